"""docs/add_component.md: its file blocks, written out as the user's package and configs in a
temporary folder, train and test through the tools (child processes of the session's
tests/conftest.py process, from the project root, the package on PYTHONPATH), and give
the numbers an independent computation gives."""
import json
import os
import os.path as osp
import re
import shlex
import sys

import cv2
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.dataset import pseudo_collate


REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DOC = osp.join(REPO_ROOT, 'docs', 'add_component.md')
COMMITTED = osp.join(REPO_ROOT, 'checkpoints', 'dapfsr_small_celebahq.pth')
# a python block whose first line names its file is that whole file
FILE_BLOCK = re.compile(r'```python\n(# ((?:my_faces_ext|my_configs)/[\w./+-]+\.py)\n.*?)```', re.S)
COMMAND = re.compile(r'^python (tools/\w+\.py) (my_configs/\S+\.py)(.*)$', re.M)
PACKAGE = {f'my_faces_ext/{name}.py' for name in ('__init__', 'datasets', 'metrics', 'encoder', 'losses',
                                                    'baseline')}
ENCODER_LOSS = 'dapfsr-tiny-encoder-charbonnier_small_17k_celeba-hq.py'
BASELINE = 'residual-bicubic_small_2k_celeba-hq.py'
BASELINE_MY_FACES = 'residual-bicubic_small_2k_celeba-hq2my-faces.py'
TWO_ITERATIONS = ['train_cfg.max_iters=2', 'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
                  'val_dataloader.num_workers=0', 'default_hooks.checkpoint.interval=1',
                  'default_hooks.logger.interval=1']
MY_FACES = [('alice/0.png', 'alice', 'indoor'), ('alice/1.png', 'alice', 'outdoor'), ('bob/0.png', 'bob', 'indoor')]


def doc_text():
    with open(DOC, encoding='utf-8') as f:
        return f.read()


def doc_commands():
    """{(tool, config name): argument string after the config} of the doc's shell commands."""
    commands = {}
    for tool, config, rest in COMMAND.findall(doc_text().replace('\\\n', ' ')):
        commands.setdefault((tool, osp.basename(config)), rest)  # the first: the plain run
    return commands


def fake_face(seed, size):
    """A smooth colour pattern with noise: something for SR to get right and wrong."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size] / size
    img = np.stack([np.sin(6 * x + seed), np.cos(5 * y - seed), np.sin(4 * (x + y) + 2 * seed)], -1) * 100 + 128
    return np.clip(img + rng.normal(0, 10, img.shape), 0, 255).astype(np.uint8)


class Workspace:
    """``project/my_configs`` beside ``project/configs`` (the project's, linked), so the doc's
    ``'../configs/...'`` bases resolve; ``my_work/my_faces_ext``; ``data`` (DAPFSR_DATA_ROOT)."""

    def __init__(self, root, tool_runner):
        self.root, self.tool_runner = root, tool_runner
        self.files = {path: text for text, path in FILE_BLOCK.findall(doc_text())}
        (root / 'project').mkdir()
        os.symlink(osp.join(REPO_ROOT, 'configs'), root / 'project' / 'configs')
        for path, text in self.files.items():
            dest = root / ('my_work' if path.startswith('my_faces_ext/') else 'project') / path
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text)
        data = root / 'data'
        for split, num in (('train', 4), ('test', 2)):  # the small profile's source data
            (data / 'celeba_hq_128' / split).mkdir(parents=True)
            for i in range(num):
                cv2.imwrite(str(data / 'celeba_hq_128' / split / f'{i:05d}.jpg'), fake_face(i, 128))
        rows = ['file,subject,condition']
        for i, (path, subject, condition) in enumerate(MY_FACES):
            (data / 'my_faces' / subject).mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(data / 'my_faces' / path), fake_face(10 + i, 100))
            rows.append(f'{path},{subject},{condition}')
        (data / 'my_faces' / 'faces.csv').write_text('\n'.join(rows) + '\n')
        # what a tool's process gets on top of this one's environment
        self.child_env = dict(DAPFSR_DATA_ROOT=str(data),
                              PYTHONPATH=os.pathsep.join(filter(None, [str(root / 'my_work'),
                                                                       os.environ.get('PYTHONPATH')])))
        self.env = dict(os.environ, OMP_NUM_THREADS='1', **self.child_env)

    def config(self, name):
        return str(self.root / 'project' / 'my_configs' / name)

    def run_doc_command(self, tool, config, *extra, checkpoint=None):
        """The doc's ``python TOOL my_configs/CONFIG ...`` from the project root, its checkpoint
        argument replaced by ``checkpoint``, with ``extra`` arguments after it."""
        args = shlex.split(doc_commands()[(tool, config)])
        if checkpoint is not None:
            args = [str(checkpoint) if a.endswith('.pth') else a for a in args]
        assert tool.startswith('tools/')
        result = self.tool_runner.run([tool[len('tools/'):], self.config(config), *args, *extra], timeout=300,
                                      env=self.child_env)
        assert result['status'] == 0, result['stdout'][-3000:] + result['stderr'][-3000:]
        return result['stdout'] + result['stderr']


@pytest.fixture(scope='module')
def ws(tmp_path_factory, tool_runner):
    """The workspace; ``my_faces_ext`` importable here too, unregistered again afterwards."""
    from dapfsr import registry
    workspace = Workspace(tmp_path_factory.mktemp('add_component'), tool_runner)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv('DAPFSR_DATA_ROOT', workspace.env['DAPFSR_DATA_ROOT'])
        mp.syspath_prepend(str(workspace.root / 'my_work'))
        yield workspace
    for reg in vars(registry).values():
        if isinstance(reg, registry.Registry):
            for name, cls in list(reg.module_dict.items()):
                if getattr(cls, '__module__', '').startswith('my_faces_ext'):
                    reg.module_dict.pop(name)
    for name in [m for m in sys.modules if m == 'my_faces_ext' or m.startswith('my_faces_ext.')]:
        del sys.modules[name]


def load_weights(model, path, cfg):
    from dapfsr.utils import load_model_weights
    load_model_weights(model, str(path), cfg.model)
    return model.eval()


def test_the_doc_is_a_package_and_configs_that_load(ws):
    from dapfsr.registry import MODELS
    from dapfsr.utils import CheckpointError
    from dapfsr.utils.checkpoint import check_checkpoint_for_config, load_model_weights

    assert PACKAGE <= set(ws.files), f'the doc lacks {PACKAGE - set(ws.files)}'
    configs = {osp.basename(p) for p in ws.files if p.startswith('my_configs/') and '/_base_/' not in p}
    commands = doc_commands()
    assert {c for _, c in commands} <= configs, 'a command of the doc names a config the doc does not write'
    assert {('tools/train.py', ENCODER_LOSS), ('tools/train.py', BASELINE),
            ('tools/test.py', BASELINE_MY_FACES)} <= set(commands)
    for name in configs:
        cfg = Config.fromfile(ws.config(name))  # imports my_faces_ext (custom_imports)
        assert cfg.custom_imports == dict(imports=['my_faces_ext'], allow_failed_imports=False), name
        if 'my-faces' in name:  # _delete_: nothing of CelebAHQDataset left
            assert cfg.test_dataloader.dataset.keys() == {'type', 'data_root', 'list_file', 'test_mode',
                                                          'pipeline'}, name
            assert cfg.test_evaluator[-1] == dict(type='MAE'), name
    # what the doc says _delete_=True prevents
    text = ws.files['my_configs/dapfsr-tiny-encoder_small_17k_celeba-hq.py']
    assert '_delete_=True, ' in text
    no_delete = ws.root / 'project' / 'my_configs' / 'no_delete.py'
    no_delete.write_text(text.replace('_delete_=True, ', ''))
    encoder_cfg = dict(Config.fromfile(str(no_delete)).model.encoder, num_latents=10, style_channels=256)
    with pytest.raises(TypeError, match="unexpected keyword argument 'backbone'"):
        MODELS.build(encoder_cfg)
    # the committed checkpoint: refused with my encoder, loaded by my DAPFSR subclass
    tiny = Config.fromfile(ws.config('dapfsr-tiny-encoder_small_17k_celeba-hq.py'))
    with pytest.raises(CheckpointError, match='encoder: DAPEncoder in the file, TinyLatentEncoder in the config'):
        check_checkpoint_for_config(COMMITTED, tiny)
    damma = Config.fromfile(ws.config('dapfsr-charbonnier_small_17k_celeba-hq2yaleb_damma-3x15.py'))
    model = MODELS.build(damma.model)
    load_model_weights(model, COMMITTED, damma.model, damma.filename)
    hr = torch.rand(2, 3, 64, 64) * 2 - 1
    with torch.no_grad():
        sr = model.adaptation_forward(F.interpolate(hr, size=16, mode='area'))
        losses = model.adaptation_loss(sr, hr)
    assert set(losses) == {'loss_pixel', 'loss_perceptual', 'loss_extra'}
    assert losses['loss_extra'].item() == pytest.approx(
        0.5 * torch.sqrt((sr - hr).square() + 1e-6).mean().item(), rel=1e-5)


def test_my_encoder_and_loss_train_through_tools_train(ws, logged_scalars):
    from dapfsr.registry import DATASETS, MODELS
    from dapfsr.utils import load_checkpoint_file

    work = ws.root / 'work_encoder'
    ws.run_doc_command('tools/train.py', ENCODER_LOSS, '--work-dir', work, '--cfg-options', *TWO_ITERATIONS)
    first, last = (load_checkpoint_file(str(work / f'iter_{i}.pth'))['state_dict'] for i in (1, 2))
    encoder = sorted(k for k in last if k.startswith('encoder.'))
    assert encoder == ['encoder.features.0.bias', 'encoder.features.0.weight', 'encoder.features.2.bias',
                       'encoder.features.2.weight', 'encoder.features.4.bias', 'encoder.features.4.weight',
                       'encoder.head.bias', 'encoder.head.weight']
    # channels=64 from the config; L x D = 10 x 256 from the small decoder
    assert last['encoder.head.weight'].shape == (10 * 256, 64 * 4)
    assert [k for k in encoder if torch.equal(first[k], last[k])] == []  # the second step moved every tensor
    assert [k for k in last if not k.startswith('encoder.') and not torch.equal(first[k], last[k])] == []

    rows = [r for r in logged_scalars(work) if 'loss_extra' in r]
    assert len(rows) == 2
    for row in rows:  # the loss stepped on is Eq. 5 plus my term
        assert row['loss'] == pytest.approx(row['loss_pixel'] + row['loss_perceptual'] + row['loss_extra'],
                                            rel=1e-4)

    cfg = Config.fromfile(ws.config(ENCODER_LOSS))
    model = load_weights(MODELS.build(cfg.model), work / 'iter_2.pth', cfg)
    dataset = DATASETS.build(cfg.val_dataloader.dataset)  # the test pipeline: fixed faces
    data = model.data_preprocessor(pseudo_collate([dataset[0], dataset[1]]))
    with torch.no_grad():
        losses = model(**data, mode='loss')
        sr = model(data['inputs'], mode='tensor')
        offsets = model.encoder(data['inputs'])
    hr = torch.stack([s.gt_img for s in data['data_samples']]) * 2 - 1
    assert data['inputs'].shape == (2, 3, 16, 16) and sr.shape == hr.shape == (2, 3, 64, 64)
    assert offsets.shape == (2, 10, 256)
    assert losses['loss_extra'].item() == pytest.approx(
        0.5 * torch.sqrt((sr - hr).square() + 1e-6).mean().item(), rel=1e-5)
    assert losses['loss_pixel'].item() == pytest.approx((sr - hr).square().mean().item(), rel=1e-5)
    assert torch.allclose(model.encode_latents(data['inputs']),
                          model.decoder.latent_mean + offsets * model.decoder.latent_std)


def test_my_baseline_trains_and_tools_test_scores_my_faces_with_my_metric(ws):
    from dapfsr.registry import DATASETS, MODELS
    from dapfsr.utils import load_checkpoint_file

    work = ws.root / 'work_baseline'
    ws.run_doc_command('tools/train.py', BASELINE, '--work-dir', work, '--cfg-options', *TWO_ITERATIONS)
    checkpoint = work / 'iter_2.pth'
    state = load_checkpoint_file(str(checkpoint))['state_dict']
    assert state['residual.4.weight'].abs().sum() > 0  # built zero (bicubic), trained by my loss

    out = ws.root / 'my_faces_residual.json'
    ws.run_doc_command('tools/test.py', BASELINE_MY_FACES, '--work-dir', ws.root / 'work_test', '--out', out,
                       '--cfg-options', 'test_dataloader.num_workers=0', checkpoint=checkpoint)
    metrics = json.loads(out.read_text())
    assert set(metrics) == {'PSNR', 'SSIM', 'MAE'}

    # the same faces, SR and mean absolute error computed here
    cfg = Config.fromfile(ws.config(BASELINE_MY_FACES))
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    assert type(dataset).__name__ == 'FaceListDataset' and dataset.metainfo['domain'] == 'my_faces'
    assert [(osp.relpath(p, ws.env['DAPFSR_DATA_ROOT'] + '/my_faces'), s, c) for p, s, c in zip(
        dataset.column('img_path'), dataset.column('subject'), dataset.column('condition'))] == MY_FACES
    model = load_weights(MODELS.build(cfg.model), checkpoint, cfg)
    errors = []
    for i in range(len(dataset)):
        item = dataset[i]
        with torch.no_grad():
            sr = model(item['inputs'][None] * 2 - 1, mode='tensor')[0]
        gt = item['data_samples'].gt_img
        assert sr.shape == gt.shape == (3, 64, 64)
        errors.append(255 * (((sr + 1) / 2).clamp(0, 1) - gt).abs().mean().item())
    assert metrics['MAE'] == pytest.approx(np.mean(errors), rel=1e-5)
    assert 1 < metrics['MAE'] < 100
