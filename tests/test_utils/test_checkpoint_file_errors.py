"""A file that is no PyTorch checkpoint, or one cut short, is named as such (issue 24, item 7):
not with torch's ``EOFError`` / ``IndexError`` / ``Unsupported operand`` as the reason."""
import pickle

import numpy as np
import pytest
import torch

from dapfsr.utils import CheckpointError, load_checkpoint_file


def random_bytes(seed, first=None):
    data = np.random.default_rng(seed).bytes(4096)
    return data if first is None else first + data


NOT_TORCH = [
    ('empty', b'', r'not a PyTorch checkpoint \(the file is empty\)'),
    ('random', random_bytes(0), r'not a PyTorch checkpoint \(it begins with the bytes 5f 82 c2 d9: neither a zip'),
    ('random from 0x80', random_bytes(1, b'\x80'), r'not a PyTorch checkpoint \(a pickle, but not one torch.save'),
    ('text', b'hello world\n' * 10, r'not a PyTorch checkpoint \(it begins with the bytes 68 65 6c 6c'),
    ('plain pickle', pickle.dumps({'a': 1}), r'not a PyTorch checkpoint \(a pickle, but not one torch.save wrote'),
]


@pytest.mark.parametrize('name, data, pattern', NOT_TORCH, ids=[row[0] for row in NOT_TORCH])
def test_a_file_that_is_no_checkpoint_is_named_so(tmp_path, name, data, pattern):
    path = tmp_path / 'f.pth'
    path.write_bytes(data)
    with pytest.raises(CheckpointError, match=rf'cannot load checkpoint .*f\.pth: {pattern}') as info:
        load_checkpoint_file(str(path))
    assert '\n' not in str(info.value) and 'EOFError' not in str(info.value)


@pytest.mark.parametrize('legacy', [False, True], ids=['zip', 'legacy'])
def test_a_checkpoint_cut_short_is_named_so(tmp_path, legacy):
    full = tmp_path / 'full.pth'
    torch.save({'w': torch.arange(1000.0)}, full, _use_new_zipfile_serialization=not legacy)
    data = full.read_bytes()
    cut = tmp_path / 'cut.pth'
    cut.write_bytes(data[:len(data) // 2])
    with pytest.raises(CheckpointError, match=r'cut\.pth with weights_only=True: the file is cut short or '
                       r'corrupt') as info:
        load_checkpoint_file(str(cut))
    assert 'not a PyTorch checkpoint' not in str(info.value)
    assert torch.equal(load_checkpoint_file(str(full))['w'], torch.arange(1000.0))  # the whole file loads
