"""atomic_write: a failed write leaves the old file, never a partial one."""
import os
import threading

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


def test_concurrent_writers_of_one_path_neither_fail_nor_tear_it(tmp_path):
    """Two writers hammering one path (as two runs writing one results table): each write
    succeeds, and a reader only ever sees one writer's whole file (a fixed temporary name
    gave FileNotFoundError on the rename and files mixing both writers' bytes)."""
    path, size, rounds = str(tmp_path / 'table.json'), 1 << 16, 150
    umask = os.umask(0)
    os.umask(umask)
    errors, torn, stop = [], [], threading.Event()

    def write(byte):
        try:
            for _ in range(rounds):
                with atomic_write(path, 'wb') as f:
                    for start in range(0, size, 4096):  # in pieces, as json.dump writes
                        f.write(byte * 4096)
        except Exception as err:  # noqa: BLE001 what the test counts
            errors.append(err)

    def read():
        while not stop.is_set():
            try:
                with open(path, 'rb') as f:
                    data = f.read()
            except FileNotFoundError:
                continue
            if len(data) != size or len(set(data)) != 1:
                torn.append(len(data))

    writers = [threading.Thread(target=write, args=(b,)) for b in (b'a', b'b')]
    reader = threading.Thread(target=read)
    for thread in (*writers, reader):
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    reader.join()
    assert not errors, f'{len(errors)} writes failed, e.g. {errors[0]!r}'
    assert not torn, f'{len(torn)} reads saw a torn file (sizes {torn[:5]})'
    with open(path, 'rb') as f:
        assert f.read() in (b'a' * size, b'b' * size)
    assert os.listdir(tmp_path) == ['table.json']  # no temporary file left behind
    # a temporary file of its own must not make results private (mkstemp's 0600)
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~umask



def test_write_image_keeps_rgb_order_gray_and_float_pixels(tmp_path):
    import cv2
    import numpy as np
    from dapfsr.utils.fileio import write_image
    rgb = np.random.default_rng(0).integers(0, 256, (5, 7, 3), dtype=np.uint8)
    assert np.array_equal(cv2.imread(write_image(str(tmp_path / 'a.png'), rgb))[..., ::-1], rgb)
    gray = rgb[..., :1]
    back = cv2.imread(write_image(str(tmp_path / 'g.png'), gray), cv2.IMREAD_UNCHANGED)
    assert back.shape == (5, 7) and np.array_equal(back, gray[..., 0])
    unit = np.array([[[0.0, 0.5, 1.0]]], np.float32)  # [0, 1] floats rounded to uint8
    assert cv2.imread(write_image(str(tmp_path / 'f.png'), unit))[0, 0, ::-1].tolist() == [0, 128, 255]
    assert [p.name for p in tmp_path.iterdir()] and not list(tmp_path.glob('.*'))  # no partial file left
