"""A trained face-SR model through the tools, as every baseline's test checks it: the tools
run as child processes (of the session's tests/tool_runner.py process) on its configs, its
checkpoint round-trips through the weights-only checked loader, and tools/test.py (one-shot,
source only) and tools/infer.py run unchanged."""
import json
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config

from dapfsr.registry import ADAPTATIONS, MODELS
from dapfsr.utils import load_model_weights
from infer_tool import run_infer
from tool_runner import shared_runner

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def run_tool(tool, *args):
    """``python tools/<tool> args`` on one thread, from the project root, as a child of the
    session's tests/tool_runner.py process; its output, after asserting it succeeded."""
    result = shared_runner().run([tool, *args], timeout=300)
    assert result['status'] == 0, result['stdout'][-3000:] + result['stderr'][-3000:]
    return result['stdout'] + result['stderr']


def logged_scalars(work_dir):
    """Every row the runs in ``work_dir`` logged (``<timestamp>/vis_data/scalars.json``)."""
    return [json.loads(line) for path in sorted(work_dir.glob('*/vis_data/scalars.json'))
            for line in path.read_text().splitlines()]


def one_shot_psnr_here(config, checkpoint):
    """The mean PSNR of ``checkpoint``'s SR faces on the first one-shot task of ``config``,
    source only, computed without the test loop and evaluator that ``tools/test.py`` runs:
    the protocol's test faces, ``model(lr, mode='tensor')``, scikit-image's PSNR of each
    face in [0, 1] (a gray HR face against the mean of the SR face's channels)."""
    from mmengine.dataset import pseudo_collate
    from skimage.metrics import peak_signal_noise_ratio

    from dapfsr.apis import init_model
    from dapfsr.datasets.protocol import protocol_config
    from dapfsr.utils.config import read_config
    cfg = read_config(str(config))
    protocol = ADAPTATIONS.build(protocol_config(cfg))
    dataset = protocol.test_dataset(protocol.tasks()[0])
    model = init_model(cfg, str(checkpoint))
    values = []
    with torch.no_grad():
        for index in range(len(dataset)):
            batch = model.data_preprocessor(pseudo_collate([dataset[index]]), False)
            sr = ((model(batch['inputs'], mode='tensor')[0] + 1) / 2).clamp(0, 1)
            gt = batch['data_samples'][0].gt_img.cpu()
            if gt.shape[0] == 1:
                sr = sr.mean(0, keepdim=True)
            values.append(peak_signal_noise_ratio(gt.numpy(), sr.numpy(), data_range=1.0))
    return float(np.mean(values)), len(values)


def check_checkpoint_test_and_infer(config, yaleb_config, checkpoint, tmp_path, capsys, hr_size):
    """``checkpoint`` of ``config`` loads weights-only and whole; ``tools/test.py --one-shot
    source_only`` on ``yaleb_config`` gives the PSNR computed here (:func:`one_shot_psnr_here`);
    ``tools/infer.py`` writes ``hr_size`` faces that are the model's SR faces of its inputs."""
    cfg = Config.fromfile(config)
    model = MODELS.build(cfg.model)
    load_model_weights(model, str(checkpoint), cfg.model)
    state = torch.load(checkpoint, weights_only=True)['state_dict']
    assert state.keys() == model.state_dict().keys()
    assert all(torch.equal(state[k], v) for k, v in model.state_dict().items())

    out = run_tool('test.py', yaleb_config, checkpoint, '--one-shot', 'source_only', '--max-tasks', '1',
                   '--work-dir', tmp_path / 'yaleb', '--out', tmp_path / 'yaleb' / 'results')
    assert 'source_only' in out
    rows = json.loads((tmp_path / 'yaleb' / 'results.json').read_text())['rows']
    (row, ), (here, faces) = rows.values(), one_shot_psnr_here(yaleb_config, checkpoint)
    assert faces > 1 and row['PSNR'] == pytest.approx(here, abs=1e-3), (row, here)

    lr = tmp_path / 'lr'
    lr.mkdir()
    for i in range(2):
        cv2.imwrite(str(lr / f'{i}.png'), np.random.default_rng(i).integers(0, 255, (16, 16, 3), np.uint8))
    code, _, err = run_infer(capsys, str(config), checkpoint, lr, tmp_path / 'sr', '--no-detect')
    assert code == 0, err
    model.eval()
    for i in range(2):  # the written pixels are the model's SR face, computed here (1 level: rounding)
        x = torch.from_numpy(cv2.imread(str(lr / f'{i}.png'))[..., ::-1].copy()).permute(2, 0, 1)
        with torch.no_grad():
            sr = model(x[None].float() / 127.5 - 1, mode='tensor')[0].clamp(-1, 1)
        expected = ((sr + 1) * 127.5).round().permute(1, 2, 0).numpy()
        written = cv2.imread(str(tmp_path / 'sr' / f'{i}.png.png'))
        assert written.shape == (hr_size, hr_size, 3)
        assert np.abs(written[..., ::-1].astype(float) - expected).max() <= 1, i
