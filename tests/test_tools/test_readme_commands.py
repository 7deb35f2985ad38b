"""README.md's "## Using it" commands, run as written: the ```bash block after that heading is
parsed from README.md (never copied here), each line's ``# comment`` stripped, and every line
run as a subprocess from the project root, so a renamed config, tool or option breaks this test.

What is changed, and only by appending or substituting, never by editing the README's tool,
config or option names:
- the placeholders: ``CKPT`` -> the checkpoint the train line wrote, ``HR.png`` -> a test-made
  128 px face;
- ``--work-dir`` (in a temporary folder) on every line, so nothing lands in the project's
  ``work_dirs/``. The last line's ``--adapted work_dirs/<name>/adapted_parameters.pth`` is
  first checked to be where the adapt line writes by default (``./work_dirs/<config name>``,
  :func:`dapfsr.utils.load_config`, from the project root), then replaced by the adapt line's
  file in its temporary work dir;
- ``--cfg-options`` that make each line run in seconds on test-made data and weights: two
  training iterations of two faces, DAMMA 1 x 1 on one pair, the paper model's ImageNet and
  decoder files (``checkpoints/resnet50-0676ba61.pth``, ``vgg19-dcbb9e9d.pth``,
  ``stylegan2_celeba128.pth``) replaced by random ones of the same layouts written here, the
  decoder narrowed (``style_channels``, ``num_mlps``, ``channels``: 128 px out, as the paper's)
  and the ResNet made a ResNet-18 (its file then a ResNet-18's); ``--max-tasks 1`` for
  ``--one-shot``; ``--out`` for the test lines' metrics;
- the data: ``DAPFSR_DATA_ROOT`` points at a fake aligned-CelebA tree
  (``tests/test_datasets/fake_face_trees.py``) and a fake ``CroppedYale`` tree (2 subjects x the
  config's 10 light directions) made here.

Checks beyond the exit status: the trained encoder differs from its initial weights (and the
frozen decoder is the file's); the adapted-parameter file differs from the checkpoint; both test
lines report a finite PSNR, and the ``--adapted`` line's PSNR differs from the same test without
``--adapted`` (one extra run of tools/test.py).
"""
import json
import math
import os
import os.path as osp
import re
import shlex
import subprocess
import sys

import cv2
import numpy as np
import pytest
import torch
import torchvision

from test_datasets.fake_face_trees import fake_celeba

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
README = osp.join(REPO_ROOT, 'README.md')
TOOLS = ('tools/train.py', 'tools/adapt.py', 'tools/test.py')
YALEB_CONDITIONS = ('A+000E+00', 'A+000E+20', 'A+025E+00', 'A-025E+00', 'A+035E+15',
                    'A-035E+15', 'A+050E+00', 'A-050E+00', 'A+070E+00', 'A-070E+00')
# The narrowed model, the same on every line (the checkpoint must fit each line's config).
DECODER = dict(out_size=128, style_channels=32, num_mlps=2,
               channels={4: 32, 8: 32, 16: 32, 32: 16, 64: 16, 128: 8})
RESNET_DEPTH = 18
MODEL = {'model.decoder.style_channels': DECODER['style_channels'], 'model.decoder.num_mlps': DECODER['num_mlps'],
         **{f'model.decoder.channels.{res}': ch for res, ch in DECODER['channels'].items()},
         'model.encoder.backbone.depth': RESNET_DEPTH, 'model.encoder.context_channels': 32,
         'model.encoder.ale_channels': 32, 'model.encoder.istn_channels': 8}
LOADERS = {f'{loader}_dataloader.{k}': v for loader in ('train', 'val', 'test')
           for k, v in (('num_workers', 0), ('persistent_workers', False))}
TRAIN = {'train_cfg.max_iters': 2, 'train_dataloader.batch_size': 2}
ADAPTATION = {'adaptation.outer_iters': 1, 'adaptation.inner_iters': 1, 'adaptation.batch_size': 1}


def readme_block(text):
    """The lines of the ```bash block right after "## Using it", ``# comments`` stripped."""
    match = re.search(r'^## Using it\n\s*```bash\n(.*?)^```', text, re.S | re.M)
    assert match, 'README.md has no ```bash block right after "## Using it"'
    lines = []
    for line in match.group(1).replace('\\\n', ' ').splitlines():
        args = shlex.split(line, comments=True)
        if args:
            lines.append(args)
    return lines


def check_command(args):
    """``python tools/<tool>.py CONFIG ...``: the tool and config exist in the project."""
    assert args[0] == 'python' and len(args) >= 3, f'not a "python TOOL CONFIG ..." line: {args}'
    tool, config = args[1], args[2]
    assert tool in TOOLS, f'{tool}: a tool this test does not know how to run quickly (add it)'
    for path in (tool, config):
        assert osp.isfile(osp.join(REPO_ROOT, path)), f'README.md\'s "Using it" names {path}, which does not exist'
    return tool, config


def fake_yaleb(root, subjects=('yaleB01', 'yaleB02')):
    """CroppedYale/yaleBNN/yaleBNN_P00A+000E+00.pgm (168 x 192 gray) for the config's splits."""
    for n, subject in enumerate(subjects):
        os.makedirs(osp.join(root, subject))
        for k, condition in enumerate(YALEB_CONDITIONS):
            cv2.imwrite(osp.join(root, subject, f'{subject}_P00{condition}.pgm'), gray_face(10 * n + k, 192, 168))
    return str(root)


def gray_face(seed, height, width):
    """A smooth pattern with noise: something to get right and wrong."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width] / max(height, width)
    img = (np.sin(6 * x + seed) * np.cos(5 * y - seed)) * 90 + 128
    return np.clip(img + rng.normal(0, 8, img.shape), 0, 255).astype(np.uint8)


def write_weights(folder):
    """Random files in the layouts of the paper config's three weight files."""
    from dapfsr.models.editors.stylegan2 import StyleGANDecoder
    torch.manual_seed(0)
    resnet = torchvision.models.get_model(f'resnet{RESNET_DEPTH}', weights=None).state_dict()
    vgg = torchvision.models.vgg.make_layers(torchvision.models.vgg.cfgs['E'])  # vgg19's `features`
    decoder = StyleGANDecoder(**DECODER)
    files = dict(resnet=folder / 'resnet.pth', vgg=folder / 'vgg19.pth', decoder=folder / 'stylegan2.pth')
    torch.save(resnet, files['resnet'])
    torch.save({f'features.{k}': v for k, v in vgg.state_dict().items()}, files['vgg'])
    torch.save(dict(state_dict={f'generator_ema.{k}': v for k, v in decoder.state_dict().items()}),
               files['decoder'])
    return files


class Session:
    """The README's lines, run in order with their placeholders filled in."""

    def __init__(self, tmp_path):
        self.tmp = tmp_path
        data = tmp_path / 'data'
        fake_celeba(data / 'celeba', partition=(0, 0, 0, 1, 2, 2))
        fake_yaleb(data / 'CroppedYale')
        self.env = dict(os.environ, OMP_NUM_THREADS='1', DAPFSR_DATA_ROOT=str(data))
        self.weights = write_weights(tmp_path)
        self.hr = tmp_path / 'HR.png'
        cv2.imwrite(str(self.hr), gray_face(99, 128, 128))
        self.ckpt = None
        self.adapted = self.adapt_default = None
        self.runs = []  # dict(tool, config, args: the README line's words, out: metrics)

    def options(self, tool, args):
        """The ``--cfg-options`` of a line, as a dict."""
        options = {**MODEL, 'model.perceptual.pretrained': str(self.weights['vgg']), **LOADERS}
        if tool == 'tools/train.py':
            options.update({'model.encoder.backbone.pretrained': str(self.weights['resnet']),
                            'model.decoder_checkpoint': str(self.weights['decoder']), **TRAIN})
        if tool == 'tools/adapt.py' or '--one-shot' in args:
            options.update(ADAPTATION)
        return options

    def extra(self, tool, args, work_dir):
        """The arguments appended to a line, and where a test line writes its metrics."""
        extra, out = ['--work-dir', str(work_dir)], None
        if tool == 'tools/test.py':
            out = work_dir / ('results' if '--one-shot' in args else 'metrics.json')
            extra += ['--out', str(out)] + (['--max-tasks', '1'] if '--one-shot' in args else [])
        options = [f'{k}={v}' for k, v in self.options(tool, args).items()]
        return extra + ['--cfg-options', *options], out

    def substitute(self, tool, config, args):
        from dapfsr.utils import load_config
        filled = []
        for i, arg in enumerate(args):
            if arg == 'CKPT':
                assert self.ckpt, 'CKPT before the train line'
                arg = str(self.ckpt)
            elif arg == 'HR.png':
                arg = str(self.hr)
            elif i and args[i - 1] == '--adapted':
                assert self.adapt_default is not None, '--adapted before the adapt line'
                assert osp.normpath(arg) == self.adapt_default, \
                    f'--adapted {arg}, but the adapt line writes {self.adapt_default}'
                arg = str(self.adapted)
            filled.append(arg)
        if tool == 'tools/adapt.py' and '--out' not in args:
            self.adapt_default = osp.normpath(osp.join(load_config(config).work_dir, 'adapted_parameters.pth'))
        return filled

    def run(self, args):
        """Run one README line (its words ``args``) from the project root; assert it succeeded."""
        tool, config = check_command(args)
        work_dir = self.tmp / f'work{len(self.runs)}'
        extra, out = self.extra(tool, args, work_dir)
        argv = [sys.executable, *self.substitute(tool, config, args[1:]), *extra]
        result = subprocess.run(argv, cwd=REPO_ROOT, env=self.env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f'{shlex.join(args)}\n{result.stdout[-3000:]}{result.stderr[-3000:]}'
        if tool == 'tools/train.py':
            self.ckpt = work_dir / f'iter_{TRAIN["train_cfg.max_iters"]}.pth'
            assert self.ckpt.is_file(), sorted(p.name for p in work_dir.iterdir())
        if tool == 'tools/adapt.py':
            self.adapted = work_dir / 'adapted_parameters.pth'
            assert self.adapted.is_file(), sorted(p.name for p in work_dir.iterdir())
        self.runs.append(dict(tool=tool, config=config, args=args, out=out))


def psnr_of(out):
    """The PSNR a test line wrote: its metrics JSON (plain), or ``<out>.json``'s row (one-shot)."""
    results = json.loads((out if out.suffix == '.json' else out.with_suffix('.json')).read_text())
    if 'rows' in results:
        (row, ) = results['rows'].values()
        return row['PSNR']
    return results['PSNR']


def psnr_here(config, checkpoint, adapted, options):
    """The test set's PSNR computed in this process: ``init_model`` with the same options, the
    config's test faces one by one, the config's PSNR metric."""
    from mmengine.dataset import pseudo_collate
    from mmengine.evaluator import Evaluator

    from dapfsr.apis import init_model
    from dapfsr.registry import DATASETS, METRICS
    model = init_model(config, str(checkpoint), adapted=adapted and str(adapted), cfg_options=options)
    dataset = DATASETS.build(model.cfg.test_dataloader.dataset)
    (psnr, ) = [m for m in model.cfg.test_evaluator if m['type'] == 'PSNR']
    evaluator = Evaluator([METRICS.build(psnr)])
    with torch.no_grad():
        for i in range(len(dataset)):
            batch = pseudo_collate([dataset[i]])
            evaluator.process(model.test_step(batch), batch)
    return evaluator.evaluate(len(dataset))['PSNR']


def readme_text():
    with open(README, encoding='utf-8') as f:
        return f.read()


def test_readme_using_it_commands_run(tmp_path, monkeypatch):
    lines = readme_block(readme_text())
    tools = [check_command(args)[0] for args in lines]
    assert set(TOOLS) <= set(tools), f'README.md\'s "Using it" lost a tool line: {tools}'
    assert any('--adapted' in args for args in lines) and any('--one-shot' in args for args in lines)

    session = Session(tmp_path)
    for args in lines:
        session.run(args)

    # train: the encoder moved from its initial (file) weights; the frozen decoder is the file's
    state = torch.load(session.ckpt, weights_only=True)['state_dict']
    resnet = torch.load(session.weights['resnet'], weights_only=True)
    moved = [k for k, v in resnet.items() if f'encoder.backbone.net.{k}' in state and v.is_floating_point()
             and not torch.equal(state[f'encoder.backbone.net.{k}'], v)]
    assert 'conv1.weight' in moved and 'layer4.1.conv2.weight' in moved, moved
    decoder = torch.load(session.weights['decoder'], weights_only=True)['state_dict']
    frozen = {k[len('decoder.'):]: v for k, v in state.items() if k.startswith('decoder.')}
    assert frozen and all(torch.equal(v, decoder[f'generator_ema.{k}']) for k, v in frozen.items()
                          if f'generator_ema.{k}' in decoder)

    # adapt: a file of tensors that differ from the checkpoint's
    adapted = torch.load(session.adapted, weights_only=True)['state_dict']
    assert adapted and all(k in state and not torch.equal(v, state[k]) for k, v in adapted.items()), \
        sorted(adapted)

    # test: finite PSNRs; the --adapted line's is that of the checkpoint + the adapted file,
    # computed here, and not that of the checkpoint alone
    tests = [run for run in session.runs if run['tool'] == 'tools/test.py']
    assert all(math.isfinite(psnr_of(run['out'])) for run in tests)
    (plain, ) = [run for run in tests if '--adapted' in run['args']]
    monkeypatch.setenv('DAPFSR_DATA_ROOT', session.env['DAPFSR_DATA_ROOT'])
    options = session.options(plain['tool'], plain['args'])
    with_adapted = psnr_here(plain['config'], session.ckpt, session.adapted, options)
    without = psnr_here(plain['config'], session.ckpt, None, options)
    assert psnr_of(plain['out']) == pytest.approx(with_adapted, abs=1e-4)
    assert abs(with_adapted - without) > 1e-3, (with_adapted, without)


def test_the_block_is_checked_against_the_project():
    """A line naming a config (or tool) that does not exist fails before anything runs."""
    text = readme_text()
    good = readme_block(text)
    config = good[0][2]
    for wrong in (config.replace('.py', '_renamed.py'), 'configs/dapfsr/no_such_config.py'):
        lines = readme_block(text.replace(config, wrong, 1))
        assert lines[0][2] == wrong and lines[1:] == good[1:]
        with pytest.raises(AssertionError, match='does not exist'):
            check_command(lines[0])
    lines = readme_block(text.replace('tools/adapt.py', 'tools/adapt_renamed.py'))
    with pytest.raises(AssertionError):
        [check_command(args) for args in lines]
