"""Run many short ``python tools/<tool>.py ARGS`` commands for a test, each in its own process,
paying for Python's start and dapfsr's imports (about 7 s on 2 cores) once.

    python tests/tool_runner.py < commands.json > results.json

reads ``[{"argv": ["adapt.py", ARG, ...], "timeout": S, "env": {NAME: VALUE}}, ...]`` (``env``
optional: set in that child only), imports what the tools
import, then forks one child per command that runs the tool as ``__main__`` with its stdout
and stderr going to files, and ends as the interpreter would: status 0, the ``SystemExit``
code, or 1 with a printed message or traceback. Writes ``[{"status", "stdout", "stderr"}]``
(``status`` None: killed after ``timeout``). POSIX only (``os.fork``).
"""
import json
import os
import os.path as osp
import runpy
import signal
import sys
import tempfile
import time
import traceback

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
TOOLS = osp.join(REPO_ROOT, 'tools')


def run_child(argv, out_path, err_path, env=None):
    """In the child: the tool as ``python tools/<argv[0]> argv[1:]``; never returns."""
    code = 1
    try:
        os.environ.update(env or {})
        for fd, path in ((1, out_path), (2, err_path)):
            file_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(file_fd, fd)
            os.close(file_fd)
        script = osp.join(TOOLS, argv[0])
        sys.argv = [script, *argv[1:]]
        sys.path[0] = osp.dirname(script)
        try:
            runpy.run_path(script, run_name='__main__')
            code = 0
        except SystemExit as exit_info:  # as the interpreter ends on it
            if exit_info.code is None or isinstance(exit_info.code, int):
                code = exit_info.code or 0
            else:
                print(exit_info.code, file=sys.stderr)
        except BaseException:  # noqa: BLE001 the traceback the interpreter would print
            traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 a closed stream
                pass
        os._exit(code)


def run(argv, timeout, env=None):
    """One command in a forked child (``env``: variables set in it): dict(status, stdout, stderr)."""
    with tempfile.TemporaryDirectory() as tmp:
        out_path, err_path = osp.join(tmp, 'stdout'), osp.join(tmp, 'stderr')
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            run_child(argv, out_path, err_path, env)
        deadline, status = time.monotonic() + timeout, None
        while True:
            done, wait_status = os.waitpid(pid, os.WNOHANG)
            if done:
                status = os.waitstatus_to_exitcode(wait_status)
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                break
            time.sleep(0.05)
        texts = []
        for path in (out_path, err_path):
            with open(path, errors='replace') as f:
                texts.append(f.read())
        return dict(status=status, stdout=texts[0], stderr=texts[1])


def main():
    commands = json.load(sys.stdin)
    os.chdir(REPO_ROOT)
    # what the tools import, once: each child starts from here
    import dapfsr.adaptation  # noqa: F401
    import dapfsr.apis  # noqa: F401
    import dapfsr.datasets  # noqa: F401
    import dapfsr.engine  # noqa: F401
    import dapfsr.evaluation  # noqa: F401
    import dapfsr.models  # noqa: F401
    results = [run(command['argv'], command.get('timeout', 120), command.get('env')) for command in commands]
    json.dump(results, sys.stdout)


if __name__ == '__main__':
    main()
