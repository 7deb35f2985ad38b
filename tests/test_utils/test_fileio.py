"""atomic_write: a failed write leaves the old file, never a partial one."""
import os

import pytest
import torch

from dapfsr.utils import atomic_write, torch_save_atomic


def test_failed_write_keeps_the_old_file(tmp_path):
    path = tmp_path / 'sub' / 'table.md'
    with atomic_write(str(path)) as f:
        f.write('old')
    with pytest.raises(RuntimeError):
        with atomic_write(str(path)) as f:
            f.write('half of the new')
            raise RuntimeError('killed')
    assert path.read_text() == 'old' and os.listdir(path.parent) == ['table.md']


def test_torch_save_atomic_round_trip(tmp_path):
    path = tmp_path / 'x.pth'
    torch_save_atomic({'w': torch.ones(2)}, str(path))
    assert torch.equal(torch.load(path, weights_only=True)['w'], torch.ones(2))
    assert os.listdir(tmp_path) == ['x.pth']
