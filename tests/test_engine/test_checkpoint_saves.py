"""Checkpoints survive a kill at any phase of a save, and ``--resume`` never starts over in
silence (issue 24, items 3 and 4), on LineModel (tests/conftest.py) with DapfsrRunner.

Item 3: a training run with ``max_keep_ckpts=1`` (checkpoints every 3 iterations, 9 in all)
kills itself (SIGKILL, as a machine going away) during its second save, at one phase:
``write`` (the checkpoint half written), ``rename`` (written, not yet under its name),
``pointer`` (in place, ``last_checkpoint`` not yet updated), ``delete`` (``last_checkpoint``
updated, the old checkpoint not yet deleted). ``resume=True`` must then continue from a
checkpoint of that run (iteration 3, or 6 once ``last_checkpoint`` names it) to iteration 9,
with weights equal to an uninterrupted run.

Item 4: a work dir holding ``iter_3/6/9.pth`` copied by hand, without ``last_checkpoint``:
``resume=True`` continues from ``iter_9.pth`` (the newest that loads; from ``iter_6.pth`` when
``iter_9.pth`` is cut short) and leaves the others as they were; when none loads it stops with
one line instead of training from iteration 0 over them.
"""
import os
import re
import shutil
import signal
import textwrap

import pytest
import torch

from dapfsr.engine import DapfsrRunner
from dapfsr.utils import CheckpointError

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Trains LineModel for 9 iterations, max_keep_ckpts=1, in one child per phase forked after
# the imports, each killing itself at its PHASE of the second save (iteration 6): every way a
# save touches the disk is watched, so the same script finds the phase in mmengine's order of
# steps and in any other. Prints each child's exit status.
DYING_TRAININGS = textwrap.dedent('''
    import builtins, os, signal, sys
    sys.path.insert(0, {tests!r})
    from mmengine.fileio.backends.local_backend import LocalBackend
    from conftest import make_runner
    from dapfsr.engine import DapfsrRunner


    def train_and_die(phase, work):
        puts = []
        put, replace, remove, os_open, open_ = LocalBackend.put, os.replace, os.remove, os.open, builtins.open

        def die():
            os.kill(os.getpid(), signal.SIGKILL)

        def writes_pointer(path, writing=True):
            return phase == 'pointer' and len(puts) == 2 and writing and 'last_checkpoint' in str(path)

        def patched_put(self, obj, filepath):
            puts.append(filepath)
            if phase == 'write' and len(puts) == 2:
                with open_(filepath, 'wb') as f:
                    f.write(obj[:100])
                die()
            return put(self, obj, filepath)

        def patched_replace(src, dst, *args, **kwargs):
            if phase == 'rename' and len(puts) == 2 and str(dst).endswith('iter_6.pth'):
                die()
            if writes_pointer(dst):
                die()
            return replace(src, dst, *args, **kwargs)

        def patched_os_open(path, flags, *args, **kwargs):
            if writes_pointer(path, flags & (os.O_WRONLY | os.O_RDWR)):
                die()
            return os_open(path, flags, *args, **kwargs)

        def patched_open(file, mode='r', *args, **kwargs):
            if writes_pointer(file, any(c in mode for c in 'wax+')):
                die()
            return open_(file, mode, *args, **kwargs)

        def patched_remove(path, *args, **kwargs):
            if phase == 'delete' and str(path).endswith('iter_3.pth'):
                die()
            return remove(path, *args, **kwargs)

        LocalBackend.put = patched_put
        os.replace, os.remove, os.open, builtins.open = (patched_replace, patched_remove, patched_os_open,
                                                         patched_open)
        make_runner(work, 9, runner_type=DapfsrRunner, max_keep_ckpts=1).train()


    for phase in {phases!r}:
        pid = os.fork()
        if pid == 0:
            try:
                sys.stdout = sys.stderr = open(os.devnull, 'w')
                train_and_die(phase, os.path.join({tmp!r}, phase))
            finally:
                os._exit(0)
        print(phase, os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)
''')
PHASES = ('write', 'rename', 'pointer', 'delete')
# where the resumed run continues: last_checkpoint names iter_6.pth only from 'delete' on
RESUMES_AT = dict(write=3, rename=3, pointer=3, delete=6)


def resumed_iteration(runner):
    """The iteration a runner resumed from, as its log file says (None: it did not)."""
    with open(runner.logger.handlers[-1].baseFilename) as f:
        match = re.search(r'resumed epoch: \d+, iter: (\d+)', f.read())
    return int(match.group(1)) if match else None


def assert_same_weights(a, b):
    for p, q in zip(a.model.parameters(), b.model.parameters()):
        torch.testing.assert_close(p, q, rtol=0, atol=0)


@pytest.fixture(scope='module')
def killed_runs(tmp_path_factory, tool_runner, make_runner):
    """The four dying trainings: {phase: work dir}; and the uninterrupted run."""
    tmp = tmp_path_factory.mktemp('killed')
    # a process of its own: a child of the session's tool_runner process (imports paid)
    script = tmp / 'dying_trainings.py'
    script.write_text(DYING_TRAININGS.format(tests=TESTS_DIR, tmp=str(tmp), phases=PHASES))
    proc = tool_runner.run([str(script)], timeout=300)
    assert proc['status'] == 0, proc['stderr'][-2000:]
    statuses = dict(line.split() for line in proc['stdout'].splitlines())
    assert statuses == {phase: str(-signal.SIGKILL) for phase in PHASES}, proc['stderr'][-2000:]
    full = make_runner(tmp / 'full', 9, runner_type=DapfsrRunner, max_keep_ckpts=1)
    full.train()
    return {phase: tmp / phase for phase in PHASES}, full


@pytest.mark.parametrize('phase', PHASES)
def test_a_kill_at_any_phase_of_a_save_leaves_a_run_to_resume(killed_runs, phase, make_runner):
    works, full = killed_runs
    work = works[phase]
    named = (work / 'last_checkpoint').read_text().strip()
    assert os.path.isfile(named), f'last_checkpoint names {named}, which is gone: {os.listdir(work)}'

    resumed = make_runner(work, 9, resume=True, runner_type=DapfsrRunner, max_keep_ckpts=1)
    resumed.train()
    assert resumed_iteration(resumed) == RESUMES_AT[phase]
    assert resumed.iter == 9
    assert_same_weights(full, resumed)
    assert (work / 'last_checkpoint').read_text().strip().endswith('iter_9.pth')
    assert (work / 'iter_9.pth').is_file() and not (work / 'iter_6.pth').exists()


def copy_checkpoints(src, dst, iterations):
    os.makedirs(dst)
    for i in iterations:
        shutil.copy2(src / f'iter_{i}.pth', dst / f'iter_{i}.pth')


def snapshot(folder, names):
    return {name: ((folder / name).read_bytes(), (folder / name).stat().st_mtime_ns) for name in names}


@pytest.fixture(scope='module')
def run_of_12(tmp_path_factory, make_runner):
    """A run of 12 iterations (iter_3, 6, 9, 12.pth): the hand-copied checkpoints and the
    uninterrupted result."""
    work = tmp_path_factory.mktemp('full12')
    runner = make_runner(work / 'run', 12, runner_type=DapfsrRunner)
    runner.train()
    return work / 'run', runner


def test_resume_without_last_checkpoint_continues_from_the_newest_checkpoint(run_of_12, tmp_path, make_runner):
    src, full = run_of_12
    work = tmp_path / 'copied'
    copy_checkpoints(src, work, (3, 6, 9))
    before = snapshot(work, ['iter_3.pth', 'iter_6.pth'])
    resumed = make_runner(work, 12, resume=True, runner_type=DapfsrRunner)
    resumed.train()
    assert resumed_iteration(resumed) == 9
    assert_same_weights(full, resumed)
    assert snapshot(work, ['iter_3.pth', 'iter_6.pth']) == before  # not rewritten


def test_resume_skips_a_checkpoint_cut_short_for_the_newest_that_loads(run_of_12, tmp_path, make_runner):
    src, full = run_of_12
    work = tmp_path / 'copied'
    copy_checkpoints(src, work, (3, 6, 9))
    data = (work / 'iter_9.pth').read_bytes()
    (work / 'iter_9.pth').write_bytes(data[:len(data) // 2])
    (work / 'last_checkpoint').write_text(str(work / 'iter_9.pth'))  # naming the broken one
    resumed = make_runner(work, 12, resume=True, runner_type=DapfsrRunner)
    resumed.train()
    assert resumed_iteration(resumed) == 6
    assert_same_weights(full, resumed)


def test_resume_stops_when_no_checkpoint_of_the_work_dir_loads(tmp_path, make_runner):
    work = tmp_path / 'broken'
    os.makedirs(work)
    for i in (100, 150, 200):
        (work / f'iter_{i}.pth').write_bytes(b'not a checkpoint' * i)
    before = snapshot(work, os.listdir(work))
    runner = make_runner(work, 3, resume=True, runner_type=DapfsrRunner)
    with pytest.raises(CheckpointError) as info:
        runner.train()
    message = str(info.value)
    assert '\n' not in message
    assert re.search(r'--resume: no checkpoint in .*broken can be resumed \(cannot load checkpoint '
                     r'.*iter_200\.pth: not a PyTorch checkpoint', message), message
    assert snapshot(work, [n for n in os.listdir(work) if n.endswith('.pth')]) == before
    assert not (work / 'iter_3.pth').exists()


def test_resume_in_an_empty_work_dir_starts_at_iteration_0(tmp_path, make_runner):
    runner = make_runner(tmp_path / 'new', 3, resume=True, runner_type=DapfsrRunner)
    runner.train()
    assert runner.iter == 3 and resumed_iteration(runner) is None


def test_training_anew_never_writes_over_its_load_from_and_warns_of_replacing(run_of_12, tmp_path, make_runner):
    src, _ = run_of_12
    work = tmp_path / 'copied'
    copy_checkpoints(src, work, (3, 6))
    before = snapshot(work, ['iter_3.pth', 'iter_6.pth'])
    runner = make_runner(work, 3, runner_type=DapfsrRunner, load_from=str(work / 'iter_3.pth'))
    with pytest.raises(CheckpointError, match=r'load_from .*iter_3\.pth is iter_3\.pth of this work dir, which '
                       r'a run started at iteration 0 writes again: copy it elsewhere first, or continue'):
        runner.train()
    assert snapshot(work, ['iter_3.pth', 'iter_6.pth']) == before

    fresh = make_runner(work, 3, runner_type=DapfsrRunner)  # no load_from, no resume: replaces, and says so
    fresh.train()
    with open(fresh.logger.handlers[-1].baseFilename) as f:
        assert re.search(r'copied holds 2 checkpoints of an earlier run \(iter_6\.pth, iter_3\.pth\); this run '
                         r'starts at iteration 0 and replaces them', f.read())
