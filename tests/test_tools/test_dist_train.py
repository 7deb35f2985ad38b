"""tools/dist_train.sh: 2 CPU processes (gloo) of batch b train as 1 process of batch 2b."""
import os
import os.path as osp
import socket
import subprocess
import sys

import torch

from dapfsr.utils.checkpoint import load_checkpoint_file
from conftest import HR_SIZE, LR_SIZE, TINY_MODEL

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
ITERS = 3


def write_config(path, batch_size):
    """The small profile's training, on the tiny model and 16 faces, deterministic."""
    model = dict(TINY_MODEL, _delete_=True, encoder=dict(TINY_MODEL['encoder'], norm_eval=True),
                 data_preprocessor=dict(type='FaceSRDataPreprocessor', num_channels=3))
    pipeline = [
        dict(type='LoadFaceImage', key='gt', num_channels=3),
        dict(type='CropAndResize', keys=['gt'], size=2 * HR_SIZE),
        dict(type='RandomFaceAffine', preset='moderate', seed=0),
        dict(type='MatlabResize', keys=['lr'], size=LR_SIZE),
        dict(type='MatlabResize', keys=['gt'], size=HR_SIZE),
        dict(type='PackFaceInputs'),
    ]
    base = osp.join(REPO_ROOT, 'configs', 'dapfsr', 'dapfsr_small_17k_celeba-hq.py')
    path.write_text(f"""_base_ = [{base!r}]
model = {model!r}
train_dataloader = dict(batch_size={batch_size}, num_workers=0, persistent_workers=False,
                        sampler=dict(type='DefaultSampler', shuffle=True, seed=0),
                        dataset=dict(pipeline={pipeline!r}, indices=16))
train_cfg = dict(max_iters={ITERS}, val_interval=1000)
val_cfg = val_dataloader = val_evaluator = None
default_hooks = dict(checkpoint=dict(interval={ITERS}, save_best=None), logger=dict(interval=1))
""")


def train(tmp_path, tool_runner, name, processes, batch_size):
    config = tmp_path / f'{name}.py'
    write_config(config, batch_size)
    with socket.socket() as s:  # a free port for torchrun
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    env = dict(os.environ, OMP_NUM_THREADS='1', PORT=str(port),
               PATH=osp.dirname(sys.executable) + os.pathsep + os.environ['PATH'])
    work_dir = tmp_path / name
    if processes > 1:  # torchrun, as a real command
        result = subprocess.run(['bash', osp.join(REPO_ROOT, 'tools', 'dist_train.sh'), str(config), str(processes),
                                 '--work-dir', str(work_dir)], capture_output=True, text=True,
                                env=env, timeout=600, cwd=REPO_ROOT)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    else:  # python tools/train.py: a child of the session's tool_runner process (one thread)
        result = tool_runner.run(['train.py', str(config), '--work-dir', str(work_dir)], timeout=600)
        assert result['status'] == 0, result['stdout'][-3000:] + result['stderr'][-3000:]
    state = load_checkpoint_file(str(work_dir / f'iter_{ITERS}.pth'))['state_dict']
    return {k: v for k, v in state.items() if k.startswith('encoder.')}


def test_two_processes_match_one_process_with_the_doubled_batch(tmp_path, celeba_hq_root, tool_runner):
    two = train(tmp_path, tool_runner, 'two_processes', 2, batch_size=2)
    one = train(tmp_path, tool_runner, 'one_process', 1, batch_size=4)
    half = train(tmp_path, tool_runner, 'one_process_half_batch', 1, batch_size=2)  # rank 0's faces alone
    assert two.keys() == one.keys() and len(one) > 50

    def max_difference(a, b):
        return max((a[k].float() - b[k].float()).abs().max().item() for k in a)

    assert max_difference(two, one) < 1e-5
    assert max_difference(half, one) > 1e-4  # the data of both ranks went into the update
