"""tools/infer.py loaded as a module and run in-process, for the tests of its two uses."""
import importlib.util
import os.path as osp
import sys
from unittest import mock

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
_spec = importlib.util.spec_from_file_location('infer', osp.join(REPO_ROOT, 'tools', 'infer.py'))
infer = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(infer)


def run_infer(capsys, *argv):
    """tools/infer.py in-process: (exit status, stdout, stderr), a message exit as status 1."""
    try:
        with mock.patch.object(sys, 'argv', ['infer.py'] + [str(a) for a in argv]):
            infer.main()
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    if isinstance(code, str):
        code, err = 1, err + code + '\n'
    return code, out, err
