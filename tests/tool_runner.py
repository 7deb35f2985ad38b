"""Run many short ``python tools/<tool>.py ARGS`` commands for a test, each in its own process,
paying for Python's start and dapfsr's imports (about 7 s on 2 cores) once.

    python tests/tool_runner.py < commands.json > results.json

reads ``[{"argv": ["adapt.py", ARG, ...], "timeout": S, "env": {NAME: VALUE}, "cwd": DIR}, ...]``
(``env`` optional: set in that child only, a ``PYTHONPATH`` there also put in front of its
``sys.path`` as a fresh interpreter would; ``cwd`` optional: the child's working folder, the
project root otherwise), imports what the tools import, then forks one child per command that
runs the tool as ``__main__`` with its stdout and stderr going to files, and ends as the
interpreter would: status 0, the ``SystemExit`` code, or 1 with a printed message or
traceback. Writes ``[{"status", "stdout", "stderr"}]`` (``status`` None: killed after
``timeout``). POSIX only (``os.fork``).

``python tests/tool_runner.py --serve`` does the same for one command a line of stdin, one
result a line of stdout, until stdin ends: the server of :class:`ToolRunner`, which the
tests share (:func:`shared_runner`, the session fixture ``tool_runner`` of tests/conftest.py),
so that the whole suite pays for the imports once.
"""
import json
import os
import os.path as osp
import runpy
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
TOOLS = osp.join(REPO_ROOT, 'tools')
START_ENV = dict(os.environ)  # what ToolRunner's server starts with


def run_child(argv, out_path, err_path, env=None, cwd=None):
    """In the child: the tool as ``python tools/<argv[0]> argv[1:]``; never returns."""
    code = 1
    try:
        env = env or {}
        if env.pop('__replace__', None):  # the whole environment, as subprocess.run(env=...) gives
            os.environ.clear()
        os.environ.update(env)
        for fd, path in ((1, out_path), (2, err_path)):
            file_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(file_fd, fd)
            os.close(file_fd)
        if cwd is not None:
            os.chdir(cwd)
        script = osp.join(TOOLS, argv[0])
        sys.argv = [script, *argv[1:]]
        extra = [p for p in env.get('PYTHONPATH', '').split(os.pathsep) if p]
        sys.path[:] = [osp.dirname(script), *extra, *sys.path[1:]]
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


def run(argv, timeout, env=None, cwd=None):
    """One command in a forked child (``env``: variables set in it): dict(status, stdout, stderr)."""
    with tempfile.TemporaryDirectory() as tmp:
        out_path, err_path = osp.join(tmp, 'stdout'), osp.join(tmp, 'stderr')
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            run_child(argv, out_path, err_path, env, cwd)
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


def run_command(command):
    return run(command['argv'], command.get('timeout', 120), command.get('env'), command.get('cwd'))


def import_tools():
    """What the tools import, once: each child starts from here."""
    os.chdir(REPO_ROOT)
    import dapfsr.adaptation  # noqa: F401
    import dapfsr.apis  # noqa: F401
    import dapfsr.datasets  # noqa: F401
    import dapfsr.engine  # noqa: F401
    import dapfsr.evaluation  # noqa: F401
    import dapfsr.models  # noqa: F401


def serve():
    """One JSON command a line of stdin, one JSON result a line of the stdout this process
    started with (anything else printed here goes to stderr)."""
    results = os.fdopen(os.dup(1), 'w')
    os.dup2(2, 1)
    import_tools()
    results.write('"ready"\n')
    results.flush()
    null = os.open(os.devnull, os.O_RDONLY)
    commands = os.fdopen(os.dup(0))
    os.dup2(null, 0)  # the children read nothing: their stdin is /dev/null
    for line in iter(commands.readline, ''):
        if line.strip():
            results.write(json.dumps(run_command(json.loads(line))) + '\n')
            results.flush()


def main():
    if sys.argv[1:] == ['--serve']:
        return serve()
    commands = json.load(sys.stdin)
    import_tools()
    results = [run_command(command) for command in commands]
    json.dump(results, sys.stdout)


class ToolRunner:
    """The client of one ``--serve`` process, started on the first command: ``run(argv)``
    runs ``python tools/<argv[0]> argv[1:]`` (an absolute ``argv[0]``: that script) in a child
    of it, and gives dict(status, stdout, stderr), ``status`` None when killed after
    ``timeout`` seconds. As ``subprocess.run`` would, the child gets this process's environment
    at the call, with ``env`` added and ``OMP_NUM_THREADS=1`` (the server's torch has one
    thread), and runs in ``cwd`` (default: the project root). The server itself starts with
    the environment this module was imported with (tests/conftest.py imports it before any
    test changes the environment)."""

    def __init__(self):
        self.proc = None
        self.lock = threading.Lock()

    def start(self):
        env = dict(START_ENV, OMP_NUM_THREADS='1')
        self.proc = subprocess.Popen([sys.executable, osp.abspath(__file__), '--serve'], cwd=REPO_ROOT, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        ready = self.proc.stdout.readline()
        assert ready.strip() == '"ready"', f'tool_runner.py --serve did not start: {ready!r}'

    def run(self, argv, timeout=120, env=None, cwd=None):
        child_env = dict(os.environ, OMP_NUM_THREADS='1', **{k: str(v) for k, v in (env or {}).items()})
        command = dict(argv=[str(a) for a in argv], timeout=timeout, env=dict(child_env, __replace__='1'),
                       cwd=str(cwd) if cwd is not None else None)
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                self.start()
            try:
                self.proc.stdin.write(json.dumps(command) + '\n')
                self.proc.stdin.flush()
                line = self.proc.stdout.readline()
            except BaseException:  # interrupted mid-command: a fresh server for the next one
                self.kill()
                raise
        assert line, 'tool_runner.py --serve ended'
        return json.loads(line)

    def run_many(self, commands):
        """``run`` of each dict(argv, timeout, env, cwd), in order: the results."""
        return [self.run(c['argv'], c.get('timeout', 120), c.get('env'), c.get('cwd')) for c in commands]

    def kill(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None


_SHARED = []


def shared_runner():
    """The one :class:`ToolRunner` of this process (the server starts on its first command; it
    ends when this process closes it or ends)."""
    if not _SHARED:
        _SHARED.append(ToolRunner())
    return _SHARED[0]


if __name__ == '__main__':
    main()
