"""tools/infer.py loaded as a module and run in-process, and the tiny model it runs, for
the tests of its two uses (LR crops, whole photos)."""
import importlib.util
import os.path as osp
import sys
from unittest import mock

import pytest
import torch

from tiny_models import LR_SIZE, TINY_MODEL, build_tiny_model

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


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    """(config, checkpoint) of the tiny DAP-FSR model (LR_SIZE in, HR_SIZE out)."""
    folder = tmp_path_factory.mktemp('tiny')
    config, checkpoint = folder / 'tiny.py', folder / 'tiny.pth'
    config.write_text(f'model = {TINY_MODEL!r}\nscale_lr = {LR_SIZE}\n')
    torch.save(dict(state_dict=build_tiny_model().state_dict(), meta=dict(iter=1)), checkpoint)
    return config, checkpoint
