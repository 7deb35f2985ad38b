"""OneShotTestLoop: tasks independent of each other, hooks called, 2 processes = 1 process."""
import json
import os
import os.path as osp
import socket
import subprocess
import sys

import torch
from mmengine.hooks import Hook

sys.path.insert(0, osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'test_adaptation'))
from adaptation_helpers import HR_SIZE, LR_SIZE, TINY_MODEL, damma_cfg  # noqa: E402

from dapfsr.engine import DapfsrRunner  # noqa: E402
from dapfsr.registry import HOOKS  # noqa: E402
from dapfsr.utils import load_config  # noqa: E402

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SPLITS = ['A+000E+00', 'A+050E+00']


def write_setup(build_tiny_model, tmp_path, yaleb_root, splits=SPLITS, seeds=(0, 1)):
    """A tiny one-shot benchmark on real Yale B splits (16 / 8 px) and its source checkpoint."""
    pipeline = [dict(type='LoadFaceImage', key='gt', num_channels=3),
                dict(type='CropAndResize', keys=['gt'], size=HR_SIZE),
                dict(type='RandomFaceAffine', preset='moderate', seed=0),
                dict(type='MatlabResize', keys=['lr'], size=LR_SIZE),
                dict(type='PackFaceInputs')]
    target = dict(type='ExtendedYaleBDataset', data_root=yaleb_root, conditions=list(splits),
                  test_mode=True, pipeline=pipeline)
    config = tmp_path / f'bench_{len(splits)}.py'
    config.write_text(
        f"_base_ = [{osp.join(REPO_ROOT, 'configs/_base_/default_runtime.py')!r}]\n"
        f"model = {TINY_MODEL!r}\n"
        f"adaptation = {damma_cfg(outer_iters=1, inner_iters=2)!r}\n"
        f"one_shot_protocol = dict(type='OneShotProtocol', dataset={target!r}, splits={list(splits)!r}, "
        f"exemplar_seeds={list(seeds)!r})\n"
        f"test_dataloader = dict(batch_size=16, num_workers=0, dataset={target!r})\n"
        "test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]\n"
        "test_cfg = dict(type='OneShotTestLoop', mode='adapt')\n")
    checkpoint = tmp_path / 'source.pth'
    if not checkpoint.exists():
        torch.save(dict(state_dict=build_tiny_model().state_dict()), checkpoint)
    return str(config), str(checkpoint)


def run_benchmark(config, checkpoint, work_dir, **test_cfg):
    cfg = load_config(config, work_dir=str(work_dir))
    cfg.test_cfg.update(test_cfg)
    cfg.load_from = checkpoint
    runner = DapfsrRunner.from_cfg(cfg)
    runner.test()
    return runner, json.load(open(osp.join(work_dir, f'results_{cfg.test_cfg.mode}.json')))


@HOOKS.register_module()
class CallRecorder(Hook):
    def __init__(self):
        self.calls = []

    def before_test(self, runner):
        self.calls.append('before_test')

    def after_test_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        self.calls.append(f'iter {len(outputs)}')

    def after_test_epoch(self, runner, metrics=None):
        self.calls.append(f'epoch {sorted(metrics)}')


def test_a_task_adaptation_never_leaks_into_the_next(tmp_path, yaleb_root, build_tiny_model):
    config, checkpoint = write_setup(build_tiny_model, tmp_path, yaleb_root)
    runner, results = run_benchmark(config, checkpoint, tmp_path / 'all')
    tasks = results['details']['tasks']
    assert [(t['split'], t['seed']) for t in tasks] == [(s, k) for s in SPLITS for k in (0, 1)]
    # the last task alone, from a fresh model: the same numbers
    alone_config, _ = write_setup(build_tiny_model, tmp_path, yaleb_root, splits=SPLITS[1:], seeds=(1, ))
    _, alone = run_benchmark(alone_config, checkpoint, tmp_path / 'alone')
    assert alone['details']['tasks'][0] == tasks[-1]
    # adaptation changed the model per task, and the source state is back afterwards
    _, source = run_benchmark(config, checkpoint, tmp_path / 'source', mode='source_only')
    assert all(a['PSNR'] != s['PSNR'] for a, s in zip(tasks, source['details']['tasks']))
    for name, tensor in build_tiny_model().state_dict().items():
        torch.testing.assert_close(runner.model.state_dict()[name], tensor)
    # Table 1's averaging: seeds within a split, then splits
    split_means = [sum(t['PSNR'] for t in tasks if t['split'] == s) / 2 for s in SPLITS]
    assert abs(results['rows'][f'bench_2 (adapt)']['PSNR'] - sum(split_means) / 2) < 1e-9


def test_saved_parameters_give_the_adapted_numbers_and_hooks_run(tmp_path, yaleb_root, one_torch_thread, tool_runner,
                                                                 build_tiny_model):
    config, checkpoint = write_setup(build_tiny_model, tmp_path, yaleb_root, seeds=(0, ))
    _, adapted = run_benchmark(config, checkpoint, tmp_path / 'adapt')
    deltas = tmp_path / 'deltas'
    for split in SPLITS:  # what tools/adapt.py --split writes, where the deltas mode reads
        result = tool_runner.run(['adapt.py', config, checkpoint, '--split', split,
                                  '--work-dir', str(deltas), '--no-samples'], timeout=300)
        assert result['status'] == 0, result['stderr'][-3000:]
    cfg_hooks = dict(custom_hooks=[dict(type='ResultGridHook'), dict(type='CallRecorder')])
    cfg = load_config(config, cfg_hooks, work_dir=str(tmp_path / 'deltas_run'))
    cfg.test_cfg.update(mode='deltas', deltas_dir=str(deltas))
    cfg.load_from = checkpoint
    runner = DapfsrRunner.from_cfg(cfg)
    runner.test()
    from_files = json.load(open(tmp_path / 'deltas_run' / 'results_deltas.json'))
    assert [t['PSNR'] for t in from_files['details']['tasks']] == \
        [t['PSNR'] for t in adapted['details']['tasks']]
    calls = next(h for h in runner.hooks if isinstance(h, CallRecorder)).calls
    assert calls[0] == 'before_test' and calls[-1] == "epoch ['PSNR', 'SSIM']"
    assert sum(c.startswith('iter') for c in calls) == 2 * 3  # 37 test faces a split, batches of 16
    for split in SPLITS:
        assert (tmp_path / 'deltas_run' / 'grids' / f'test_{split}_seed0.png').is_file()
        assert (tmp_path / 'deltas_run' / f'grid_deltas_{split}.png').is_file()


def test_two_processes_give_the_table_of_one(tmp_path, yaleb_root, tool_runner, build_tiny_model):
    config, checkpoint = write_setup(build_tiny_model, tmp_path, yaleb_root, seeds=(0, ))
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    env = dict(os.environ, OMP_NUM_THREADS='1', PORT=str(port),
               PATH=osp.dirname(sys.executable) + os.pathsep + os.environ['PATH'])
    tables = []
    # one process: tools/test.py, a child of the session's tests/conftest.py process; two:
    # tools/dist_test.sh (torchrun) as a real command
    one = tool_runner.run(['test.py', config, checkpoint, '--work-dir', str(tmp_path / 'one')], timeout=600)
    assert one['status'] == 0, one['stdout'][-3000:] + one['stderr'][-3000:]
    tables.append(json.load(open(tmp_path / 'one' / 'results_adapt.json')))
    result = subprocess.run(['bash', 'tools/dist_test.sh', config, '2', checkpoint,
                             '--work-dir', str(tmp_path / 'two')], cwd=REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    tables.append(json.load(open(tmp_path / 'two' / 'results_adapt.json')))
    assert tables[0]['rows'] == tables[1]['rows'] and tables[0]['details'] == tables[1]['details']


def test_the_unrefined_row_is_the_model_without_its_refiner_after_the_same_adaptation(
        tmp_path, yaleb_root, one_torch_thread, tool_runner, build_tiny_model):
    from dapfsr.models.aligners import AffineAligner
    config, checkpoint = write_setup(build_tiny_model, tmp_path, yaleb_root, splits=SPLITS[1:], seeds=(0, ))
    aligner = tmp_path / 'aligner.pth'
    torch.manual_seed(0)
    torch.save(dict(state_dict=AffineAligner(in_size=LR_SIZE).state_dict()), aligner)
    refined_config = tmp_path / 'refined.py'
    refiner = dict(type='LRConsistencyRefiner', aligner=dict(type='AffineAligner', in_size=LR_SIZE),
                   aligner_checkpoint=str(aligner), iterations=3, calibration_steps=2, calibration_batch=4)
    refined_config.write_text(f"_base_ = [{config!r}]\nmodel = dict(refiner={refiner!r})\n")
    result = tool_runner.run(['test.py', str(refined_config), checkpoint, '--one-shot', 'adapt',
                              '--unrefined-row', '--name', 'tiny', '--work-dir', str(tmp_path / 'both')],
                             timeout=300)
    assert result['status'] == 0, result['stderr'][-3000:]
    both = json.load(open(tmp_path / 'both' / 'results_adapt.json'))
    _, refined = run_benchmark(str(refined_config), checkpoint, tmp_path / 'refined')
    _, plain = run_benchmark(config, checkpoint, tmp_path / 'plain')
    assert list(both['rows']) == ['tiny', 'tiny, unrefined']
    assert both['details']['tasks'] == refined['details']['tasks']
    assert both['details']['unrefined']['tasks'] == plain['details']['tasks']
    assert both['rows']['tiny, unrefined'] == plain['rows']['bench_1 (adapt)']
    assert both['rows']['tiny']['PSNR'] != both['rows']['tiny, unrefined']['PSNR']
