"""A checkpoint is data, never code (issue 24, item 1).

mmengine saves the training config's text in ``meta['cfg']`` (and older files in
``meta['config']``, which mmengine's ``Runner.resume`` parses); ``Config.fromstring``
executes such a text as Python. Here checkpoints whose meta texts hold
``__import__('os').system('touch MARKER')`` (at the top level, in a value of the ``model``
dict, in a lambda and in a comprehension, each its own marker) go through every entry point:
tools/test.py, tools/adapt.py, tools/infer.py, tools/deployment/pytorch2onnx.py,
tools/train.py with ``load_from``, with ``--resume FILE`` and with ``--resume`` (auto), and
``dapfsr.apis.init_model``; each with and without ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1``.
No marker may appear, and each tool must have read the file (its weights refused as not
fitting, or the training run completed from it), so the test cannot pass by failing early.

The tools run as children of one process (the session's tests/conftest.py). The model-type check still
works on a file that records its types only in ``meta['cfg']`` (read from the text's syntax
tree), and training checkpoints now record ``meta['model_types']`` as plain strings.
"""
import os
import os.path as osp

import cv2
import numpy as np
import pytest
import torch

from dapfsr.apis import init_model
from dapfsr.engine import DapfsrRunner
from dapfsr.utils import CheckpointError, load_checkpoint_file, load_config
from dapfsr.utils.checkpoint import check_model_types, checkpoint_model_types, model_types

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TESTS_DIR = osp.join(REPO_ROOT, 'tests')
SMALL_CFG = 'configs/dapfsr/dapfsr_small_17k_celeba-hq.py'
ADAPT_CFG = 'configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py'
PAPER_CFG = 'configs/dapfsr/dapfsr_paper_100k_celeba.py'
VARIANTS = ('top', 'dict_value', 'lambda', 'comprehension')


def payload(marks, model_type):
    """A config text whose every variant, executed, creates ``marks/<variant>`` (the folder
    is made here)."""
    os.makedirs(marks, exist_ok=True)
    touch = {v: f"__import__('os').system('touch {osp.join(marks, v)}')" for v in VARIANTS}
    return (f"model = dict(type={model_type!r}, evil={touch['dict_value']})\n"
            f"hook = (lambda: {touch['lambda']})()\n"
            f"runs = [{touch['comprehension']} for _ in range(1)]\n"
            f"{touch['top']}\n")


def ran(marks):
    return sorted(os.listdir(marks))


def test_model_types_are_read_from_the_text_without_running_it(tmp_path):
    from dapfsr.utils.checkpoint import config_text_model_types
    text = payload(str(tmp_path), 'DAPFSR')
    assert config_text_model_types(text) == {'': 'DAPFSR'}
    assert checkpoint_model_types({'meta': {'cfg': text}}) == {'': 'DAPFSR'}
    assert config_text_model_types('model = dict(type=__import__("os").getcwd())') == {}
    assert config_text_model_types('not python (') == {}
    assert ran(tmp_path) == []
    # recorded plain data wins, and only strings count
    assert checkpoint_model_types({'meta': {'cfg': text, 'model_types': {'': 'X', 'a': 3}}}) == {'': 'X'}


def test_an_old_checkpoint_with_only_the_config_text_is_still_checked_by_profile():
    paper, small = load_config(PAPER_CFG), load_config(SMALL_CFG)
    assert checkpoint_model_types({'meta': {'cfg': paper.pretty_text}}) == model_types(paper.model)
    with pytest.raises(CheckpointError, match=r'encoder.backbone: ResNetBackbone in the file, '
                       r'EfficientNetLite0Backbone in the config'):
        check_model_types({'meta': {'cfg': paper.pretty_text}}, small.model, 'old.pth')


@pytest.mark.parametrize('force_no_weights_only', [False, True])
def test_init_model_runs_nothing_from_a_checkpoint(tmp_path, monkeypatch, force_no_weights_only):
    if force_no_weights_only:
        monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    marks = tmp_path / 'marks'
    evil = tmp_path / 'evil.pth'
    torch.save(dict(state_dict={'x': torch.zeros(1)}, meta=dict(cfg=payload(str(marks), 'DAPFSR'),
                                                                config=payload(str(marks), 'DAPFSR'))), evil)
    with pytest.raises(CheckpointError, match='evil.pth does not fit DAPFSR'):
        init_model(osp.join(REPO_ROOT, SMALL_CFG), str(evil))
    assert ran(marks) == []


LINE_CONFIG = """\
custom_imports = dict(imports=['registered_line_model'], allow_failed_imports=False)
model = dict(type='LineModel')
train_dataloader = dict(dataset=dict(type='LineDataset'), batch_size=4, num_workers=0,
                        sampler=dict(type='DefaultSampler', shuffle=True, seed=0),
                        collate_fn=dict(type='default_collate'))
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9))
train_cfg = dict(by_epoch=False, max_iters=6)
default_hooks = dict(checkpoint=dict(type='CheckpointHook', interval=3, by_epoch=False))
randomness = dict(seed=1)
default_scope = 'dapfsr'
"""
REGISTER_LINE_MODEL = """\
from conftest import LineDataset, LineModel
from dapfsr.registry import DATASETS, MODELS
MODELS.register_module(module=LineModel, force=True)
DATASETS.register_module(module=LineDataset, force=True)
"""


def write_inputs(tmp, make_runner):
    """The tools' inputs: a fake CelebA-HQ test folder (tools/test.py lists it before loading
    the checkpoint), faces, the LineModel training config and a real training checkpoint of it."""
    data = tmp / 'data'
    for split in ('train', 'test'):
        os.makedirs(data / 'celeba_hq_128' / split)
        cv2.imwrite(str(data / 'celeba_hq_128' / split / '00000.jpg'), np.full((128, 128, 3), 128, np.uint8))
    cv2.imwrite(str(tmp / 'hr64.png'), np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8))
    os.makedirs(tmp / 'lr')
    cv2.imwrite(str(tmp / 'lr' / 'a.png'), np.full((16, 16, 3), 100, np.uint8))
    (tmp / 'line.py').write_text(LINE_CONFIG)
    (tmp / 'registered_line_model.py').write_text(REGISTER_LINE_MODEL)
    make_runner(tmp / 'line_src', 3, runner_type=DapfsrRunner).train()
    return data, load_checkpoint_file(str(tmp / 'line_src' / 'iter_3.pth'))


def evil_files(tmp, marks, line_checkpoint):
    """A DAPFSR checkpoint (weights that do not fit: the tools end after reading it) and a
    resumable LineModel training checkpoint, both with the payload in meta 'cfg' and 'config'."""
    os.makedirs(tmp)
    dapfsr = tmp / 'evil_dapfsr.pth'
    text = payload(marks, 'DAPFSR')
    torch.save(dict(state_dict={'x': torch.zeros(1)}, meta=dict(cfg=text, config=text)), dapfsr)
    line = tmp / 'evil_line.pth'
    meta = {k: v for k, v in line_checkpoint['meta'].items() if k != 'model_types'}
    text = payload(marks, 'LineModel')
    torch.save(dict(line_checkpoint, meta=dict(meta, cfg=text, config=text)), line)
    auto = tmp / 'auto'
    os.makedirs(auto)
    (auto / 'last_checkpoint').write_text(str(line))
    return dict(dapfsr=str(dapfsr), line=str(line), auto=str(auto))


def commands(tmp, env_name, env):
    """The table of one environment: each entry point with files of its own, whose payload
    marks its own folder ``tmp/<env_name>/<n>/marks``."""
    rows = [
        ('test.py', lambda d, f: ['test.py', SMALL_CFG, f['dapfsr'], '--work-dir', f'{d}/w'], 'does not fit DAPFSR'),
        ('adapt.py', lambda d, f: ['adapt.py', ADAPT_CFG, f['dapfsr'], '--exemplar-hr', str(tmp / 'hr64.png'),
                                   '--no-samples', '--work-dir', f'{d}/w'], 'does not fit DAPFSR'),
        ('infer.py', lambda d, f: ['infer.py', SMALL_CFG, f['dapfsr'], str(tmp / 'lr'), f'{d}/sr'],
         'does not fit DAPFSR'),
        ('pytorch2onnx.py', lambda d, f: ['deployment/pytorch2onnx.py', SMALL_CFG, f['dapfsr'], f'{d}/m.onnx',
                                          '--no-verify'], 'does not fit DAPFSR'),
        ('train.py load_from', lambda d, f: ['train.py', str(tmp / 'line.py'), '--work-dir', f'{d}/w',
                                             '--cfg-options', f'load_from={f["line"]}'], 'w/iter_6.pth'),
        ('train.py --resume FILE', lambda d, f: ['train.py', str(tmp / 'line.py'), '--work-dir', f'{d}/w',
                                                 '--resume', f['line']], 'w/iter_6.pth'),
        ('train.py --resume', lambda d, f: ['train.py', str(tmp / 'line.py'), '--work-dir', f['auto'],
                                            '--resume'], 'auto/iter_6.pth'),
    ]
    table = []
    for n, (name, argv, expect) in enumerate(rows):
        folder = tmp / env_name / str(n)
        files = evil_files(folder, str(folder / 'marks'), RAN['line_checkpoint'])
        table.append(dict(name=name, argv=argv(str(folder), files), env=env, folder=str(folder),
                          status=1 if expect.startswith('does not fit') else 0, expect=expect, timeout=120))
    return table


RAN = {}


@pytest.fixture
def tool_runs(tmp_path_factory, tool_runner, make_runner):
    if 'results' not in RAN:
        tmp = tmp_path_factory.mktemp('checkpoint_is_data')
        data, RAN['line_checkpoint'] = write_inputs(tmp, make_runner)
        table = [*commands(tmp, 'plain', {}),
                 *commands(tmp, 'forced', {'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD': '1'})]
        # each child: the data root made here, and the LineModel's modules importable
        paths = dict(DAPFSR_DATA_ROOT=str(data),
                     PYTHONPATH=os.pathsep.join([str(tmp), TESTS_DIR, os.environ.get('PYTHONPATH', '')]))
        results = tool_runner.run_many([dict(c, env=dict(c['env'], **paths)) for c in table])
        RAN['results'] = list(zip(table, results))
    return RAN['results']


@pytest.mark.parametrize('env_name', ['plain', 'forced'])
def test_no_entry_point_runs_code_from_a_checkpoint(tool_runs, env_name):
    forced = env_name == 'forced'
    results = [(c, r) for c, r in tool_runs if bool(c['env']) == forced]
    code_ran = {c['name']: ran(osp.join(c['folder'], 'marks')) for c, _ in results}
    assert not any(code_ran.values()), f'code in a checkpoint ran: {code_ran}'
    for command, result in results:
        name, last = command['name'], (result['stderr'].strip().splitlines() or [''])[-1]
        assert result['status'] == command['status'], f'{name}: {result["stderr"][-2000:]}'
        if command['status']:  # refused after reading the file: one line naming the reason
            assert command['expect'] in last and 'Traceback' not in result['stderr'], f'{name}: {last}'
        else:  # trained from the file to the end, and the new checkpoints record their types
            meta = load_checkpoint_file(osp.join(command['folder'], command['expect']))['meta']
            assert meta['model_types'] == {'': 'LineModel'}, name
            assert '--resume' not in name or 'resumed epoch: 0, iter: 3' in result['stdout'] + result['stderr']
