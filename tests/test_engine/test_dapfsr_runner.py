"""DapfsrRunner: checked loading, atomic checkpoints (kill -9 mid-save), quiet console."""
import os.path as osp
import textwrap

import pytest
import torch
from mmengine.runner import Runner

from dapfsr.engine import DapfsrRunner
from dapfsr.utils import CheckpointError

TESTS_DIR = osp.dirname(osp.dirname(osp.abspath(__file__)))

# Trains LineModel with DapfsrRunner; the second checkpoint write (iteration 6) stops after
# 100 bytes and the process kills itself with SIGKILL, as a machine going away would.
DYING_TRAINING = textwrap.dedent('''
    import os, signal, sys
    sys.path.insert(0, {tests!r})
    from mmengine.fileio.backends.local_backend import LocalBackend
    from conftest import make_runner
    from dapfsr.engine import DapfsrRunner
    writes = []

    def put(self, obj, filepath):
        writes.append(filepath)
        with open(filepath, 'wb') as f:
            f.write(obj if len(writes) < 2 else obj[:100])
        if len(writes) == 2:
            os.kill(os.getpid(), signal.SIGKILL)

    LocalBackend.put = put
    make_runner({work!r}, 9, runner_type=DapfsrRunner).train()
''')


def test_kill_during_checkpoint_save_leaves_no_partial_checkpoint(tmp_path, tool_runner, make_runner):
    work = tmp_path / 'run'
    # a process of its own: a child of the session's tool_runner process (imports paid)
    script = tmp_path / 'dying_training.py'
    script.write_text(DYING_TRAINING.format(tests=TESTS_DIR, work=str(work)))
    proc = tool_runner.run([str(script)], timeout=120)
    assert proc['status'] == -9, proc['stderr'][-2000:]
    assert (work / 'iter_3.pth').is_file() and not (work / 'iter_6.pth').exists()
    assert (work / '.iter_6.pth.partial').stat().st_size == 100  # cut short, under another name
    assert (work / 'last_checkpoint').read_text().strip().endswith('iter_3.pth')

    resumed = make_runner(work, 9, resume=True, runner_type=DapfsrRunner)
    resumed.train()
    uninterrupted = make_runner(tmp_path / 'full', 9, runner_type=DapfsrRunner)
    uninterrupted.train()
    assert resumed.iter == 9
    for a, b in zip(uninterrupted.model.parameters(), resumed.model.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_load_checkpoint_refuses_a_foreign_file_and_loads_a_fitting_one(tmp_path, make_runner):
    runner = make_runner(tmp_path / 'w', 3, runner_type=DapfsrRunner)
    runner.train()
    wrong = tmp_path / 'wrong.pth'
    torch.save(dict(state_dict={'decoder.weight': torch.zeros(1)}), wrong)
    with pytest.raises(CheckpointError, match=r'wrong.pth does not fit LineModel: keys 2 missing '
                       r'\(fc.weight, fc.bias\); 1 unexpected \(decoder.weight\)'):
        runner.load_checkpoint(str(wrong))
    # mmengine's Runner takes the same file with a warning and keeps random weights
    Runner.load_checkpoint(runner, str(wrong))

    fresh = make_runner(tmp_path / 'w2', 3, runner_type=DapfsrRunner)
    fresh.load_checkpoint(str(tmp_path / 'w' / 'iter_3.pth'))
    for a, b in zip(runner.model.parameters(), fresh.model.parameters()):
        torch.testing.assert_close(a, b)


def test_num_workers_zero_turns_persistent_workers_off(line_dataset):
    loader = dict(dataset=line_dataset, sampler=dict(type='DefaultSampler', shuffle=False),
                  batch_size=4, num_workers=0, persistent_workers=True,
                  collate_fn=dict(type='default_collate'))
    with pytest.raises(ValueError, match='persistent_workers'):
        Runner.build_dataloader(loader)
    assert len(DapfsrRunner.build_dataloader(loader)) == 8


def test_environment_and_config_dump_go_to_the_log_file_only(tmp_path, capsys, make_runner):
    runner = make_runner(tmp_path / 'w', 1, runner_type=DapfsrRunner)
    console = capsys.readouterr().out
    log = open(runner.logger.handlers[-1].baseFilename).read()
    assert 'System environment' in log and 'System environment' not in console


def test_runs_started_in_one_second_get_run_folders_of_their_own(tmp_path, monkeypatch, make_runner):
    """Two runs of one work dir started in the same second (mmengine names the run folder
    by the second) each keep their own folder, log and metrics, instead of one log holding
    both runs' lines and one run's metrics lost."""
    import time
    real_time = time.time
    monkeypatch.setattr(time, 'time', lambda: 1700000000.25)  # both start in this second
    runners = [make_runner(tmp_path / 'w', 2, runner_type=DapfsrRunner)
               for _ in range(2)]
    monkeypatch.setattr(time, 'time', real_time)
    first, second = runners
    assert first.timestamp == time.strftime('%Y%m%d_%H%M%S', time.localtime(1700000000.25))
    assert second.timestamp == f'{first.timestamp}_2'
    assert first.log_dir != second.log_dir and osp.dirname(second.log_dir) == str(tmp_path / 'w')
    for number, runner in enumerate(runners):
        runner.logger.info(f'this is run {number}')
        runner.train()
    for number, runner in enumerate(runners):
        log = open(osp.join(runner.log_dir, f'{runner.timestamp}.log')).read()
        assert f'this is run {number}' in log and f'this is run {1 - number}' not in log
        with open(osp.join(runner.log_dir, 'vis_data', 'scalars.json')) as f:
            assert [line.count('"step": ') for line in f] == [1, 1]  # its own 2 iterations
