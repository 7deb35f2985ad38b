"""The tools need only the target data and the checkpoint, and run from any folder: paths in
the project's configs resolve against the project, a missing file names its config key, and a
config path that does not exist lists the closest config names.

The tools run as children of the session's tests/conftest.py process (fixture
``tool_runner``), each in the folder the test gives; a fresh interpreter started from another
folder is tests/test_tools/test_demo.py's."""
import glob
import json
import os.path as osp
import shutil
from types import SimpleNamespace

import pytest


REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CHECKPOINT = osp.join(REPO_ROOT, 'checkpoints', 'dapfsr_small_celebahq.pth')


@pytest.fixture
def run_tool(tool_runner):
    """``python <project>/tools/<tool> args`` in the folder ``cwd``: its returncode, stdout and stderr."""
    def run(tool, *args, cwd, data_root=None):
        env = {} if data_root is None else dict(DAPFSR_DATA_ROOT=str(data_root))
        result = tool_runner.run([tool, *args], timeout=600, env=env, cwd=cwd)
        return SimpleNamespace(returncode=result['status'], stdout=result['stdout'], stderr=result['stderr'])
    return run


def user_config(folder, text):
    """A config of the user's own, outside the project, on top of the project's configs."""
    path = folder / 'my_config.py'
    path.write_text(text.replace('CONFIGS', osp.join(REPO_ROOT, 'configs')))
    return path


def test_subject_folder_target_needs_only_its_folder(run_tool, tmp_path, celeba_hq_root):
    """docs/add_target_domain.md's config on a data root holding only my_faces/, run from a
    folder of the user's: the one-shot benchmark adapts and tests every task."""
    faces = sorted(glob.glob(osp.join(celeba_hq_root, 'test', '*.jpg')))[:6]
    root = tmp_path / 'data'
    for i, face in enumerate(faces):  # 3 subjects x 2 lights
        subject = root / 'my_faces' / f's{i // 2}'
        subject.mkdir(parents=True, exist_ok=True)
        shutil.copy(face, subject / f's{i // 2}_light{"+00" if i % 2 else "-30"}.jpg')
    config = user_config(tmp_path, '''
_base_ = ['CONFIGS/dapfsr/dapfsr_small_17k_celeba-hq.py', 'CONFIGS/_base_/targets/subject_folder.py',
          'CONFIGS/_base_/adaptation/damma_small.py']
model = dict(encoder=dict(backbone=dict(pretrained=None)))
test_dataloader = dict(dataset=dict(_base_.target_dataset, pipeline=_base_.test_pipeline, _delete_=True,
                                    condition_pattern=r'_(?P<condition>light[+-][0-9]+)\\.'))
test_evaluator = [dict(type='PSNR')]
one_shot_protocol = dict(exemplar_seeds=[0])
adaptation = dict(outer_iters=1, inner_iters=2)
''')
    # adapt: on main it adapted the first task, then stopped at the source data (source_only at once)
    result = run_tool('test.py', config, CHECKPOINT, '--one-shot', 'adapt', '--work-dir', tmp_path / 'w',
                      '--out', tmp_path / 'results', cwd=tmp_path, data_root=root)
    assert result.returncode == 0, result.stderr[-3000:]
    tasks = json.loads((tmp_path / 'results.json').read_text())['details']['tasks']
    assert sorted(t['split'] for t in tasks) == ['light+00', 'light-30']
    assert all(t['num_test'] == 2 for t in tasks)  # the split's faces of the other 2 subjects


def test_source_test_needs_only_the_test_split_from_any_folder(run_tool, tmp_path, celeba_hq_root):
    """The small profile's plain test on a data root with only celeba_hq_128/test/, run from
    another folder with the config's project-relative paths (decoder checkpoint, data root
    default): the same PSNR as from the project root with the whole data."""
    root = tmp_path / 'data'
    (root / 'celeba_hq_128' / 'test').mkdir(parents=True)
    for face in sorted(glob.glob(osp.join(celeba_hq_root, 'test', '*.jpg')))[:4]:
        shutil.copy(face, root / 'celeba_hq_128' / 'test')
    config = 'configs/dapfsr/dapfsr_small_17k_celeba-hq.py'
    here = run_tool('test.py', config, CHECKPOINT, '--out', tmp_path / 'here.json', '--work-dir', tmp_path / 'a',
                    cwd=tmp_path, data_root=root)
    assert here.returncode == 0, here.stderr[-3000:]
    full = run_tool('test.py', config, CHECKPOINT, '--out', tmp_path / 'full.json', '--work-dir', tmp_path / 'b',
                    '--cfg-options', 'test_dataloader.dataset.indices=4', cwd=REPO_ROOT,
                    data_root=osp.dirname(celeba_hq_root))
    assert full.returncode == 0, full.stderr[-3000:]
    psnr = [json.loads((tmp_path / f'{n}.json').read_text())['PSNR'] for n in ('here', 'full')]
    assert psnr[0] == psnr[1] and 10 < psnr[0] < 40


def test_a_missing_file_names_its_config_key(run_tool, tmp_path):
    config = user_config(tmp_path, '''
_base_ = ['CONFIGS/dapfsr/dapfsr_small_17k_celeba-hq.py']
model = dict(decoder_checkpoint='checkpoints/nowhere.pth')
''')
    result = run_tool('train.py', config, '--work-dir', tmp_path / 'w', cwd=tmp_path)
    assert result.returncode == 1 and 'Traceback' not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == \
        'error: model.decoder_checkpoint: checkpoint not found: checkpoints/nowhere.pth'


def test_a_config_that_does_not_exist_lists_the_closest(run_tool, tmp_path):
    result = run_tool('train.py', 'configs/dapfsr/dapfsr_small_celeba-hq.py', cwd=tmp_path)
    assert result.returncode == 1 and 'Traceback' not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(
        'error: config file not found: configs/dapfsr/dapfsr_small_celeba-hq.py; closest configs: '
        'configs/dapfsr/dapfsr_small_17k_celeba-hq.py, ')
