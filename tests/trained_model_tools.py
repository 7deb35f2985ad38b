"""A trained face-SR model through the tools, as every baseline's test checks it: the tools
run as subprocesses on its configs, its checkpoint round-trips through the weights-only
checked loader, and tools/test.py (one-shot, source only) and tools/infer.py run unchanged."""
import json
import os
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np
import torch
from mmengine.config import Config

from dapfsr.registry import MODELS
from dapfsr.utils import load_model_weights
from infer_tool import run_infer

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def run_tool(tool, *args):
    """``python tools/<tool> args`` on one thread; its output, after asserting it succeeded."""
    env = dict(os.environ, OMP_NUM_THREADS='1')
    result = subprocess.run([sys.executable, osp.join(REPO_ROOT, 'tools', tool), *map(str, args)],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout + result.stderr


def logged_scalars(work_dir):
    """Every row the runs in ``work_dir`` logged (``<timestamp>/vis_data/scalars.json``)."""
    return [json.loads(line) for path in sorted(work_dir.glob('*/vis_data/scalars.json'))
            for line in path.read_text().splitlines()]


def check_checkpoint_test_and_infer(config, yaleb_config, checkpoint, tmp_path, capsys, hr_size):
    """``checkpoint`` of ``config`` loads weights-only and whole; ``tools/test.py --one-shot
    source_only`` runs on ``yaleb_config``; ``tools/infer.py`` writes ``hr_size`` faces."""
    cfg = Config.fromfile(config)
    model = MODELS.build(cfg.model)
    load_model_weights(model, str(checkpoint), cfg.model)
    state = torch.load(checkpoint, weights_only=True)['state_dict']
    assert state.keys() == model.state_dict().keys()
    assert all(torch.equal(state[k], v) for k, v in model.state_dict().items())

    out = run_tool('test.py', yaleb_config, checkpoint, '--one-shot', 'source_only', '--max-tasks', '1',
                   '--work-dir', tmp_path / 'yaleb')
    assert 'source_only' in out and 'PSNR' in out

    faces = tmp_path / 'lr'
    faces.mkdir()
    for i in range(2):
        cv2.imwrite(str(faces / f'{i}.png'), np.random.default_rng(i).integers(0, 255, (16, 16, 3), np.uint8))
    code, _, err = run_infer(capsys, str(config), checkpoint, faces, tmp_path / 'sr', '--no-detect')
    assert code == 0, err
    assert cv2.imread(str(tmp_path / 'sr' / '0.png.png')).shape == (hr_size, hr_size, 3)
