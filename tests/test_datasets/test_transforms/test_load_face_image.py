import cv2
import numpy as np
import pytest

from dapfsr.datasets.transforms import LoadFaceImage, read_image
from dapfsr.registry import TRANSFORMS


def _write(path, img):
    assert cv2.imwrite(str(path), img)
    return str(path)


def test_gray_kept_or_replicated(tmp_path):
    gray = np.arange(48, dtype=np.uint8).reshape(6, 8)
    path = _write(tmp_path / 'face.pgm', gray)
    out = LoadFaceImage(key='gt')(dict(img_path=path))
    assert out['gt'].shape == (6, 8, 1) and out['gt'].dtype == np.uint8
    np.testing.assert_array_equal(out['gt'][..., 0], gray)
    assert out['ori_shape'] == (6, 8)
    rgb = TRANSFORMS.build(dict(type='LoadFaceImage', key='lr', num_channels=3))(dict(img_path=path))['lr']
    assert rgb.shape == (6, 8, 3)
    np.testing.assert_array_equal(rgb[..., 2], gray)


def test_colour_is_rgb_and_can_become_gray(tmp_path):
    bgr = np.zeros((4, 4, 3), np.uint8)
    bgr[..., 2] = 200  # red in OpenCV's BGR order
    path = _write(tmp_path / 'red.png', bgr)
    rgb = read_image(path)
    assert rgb.shape == (4, 4, 3) and (rgb[..., 0] == 200).all() and (rgb[..., 1:] == 0).all()
    gray = LoadFaceImage(num_channels=1)(dict(img_path=path))['gt']
    assert gray.shape == (4, 4, 1)
    assert abs(int(gray[0, 0, 0]) - round(0.299 * 200)) <= 1  # BT.601 luma


def test_rgba_drops_alpha(tmp_path):
    bgra = np.zeros((4, 4, 4), np.uint8)
    bgra[..., 0] = 50   # blue
    bgra[..., 3] = 10   # nearly transparent
    img = read_image(_write(tmp_path / 'a.png', bgra))
    assert img.shape == (4, 4, 3)
    assert (img[..., 2] == 50).all() and (img[..., :2] == 0).all()


def test_sixteen_bit_becomes_unit_float(tmp_path):
    deep = np.array([[0, 1000], [32768, 65535]], np.uint16)
    img = read_image(_write(tmp_path / 'deep.png', deep))
    assert img.dtype == np.float32 and img.shape == (2, 2, 1)
    np.testing.assert_allclose(img[..., 0], deep / 65535.0, rtol=1e-6)


def test_truncated_missing_and_empty_files_name_the_path(tmp_path):
    img = (np.random.default_rng(0).random((32, 32, 3)) * 255).astype(np.uint8)
    for ext in ('jpg', 'png'):
        good = _write(tmp_path / f'good.{ext}', img)
        data = open(good, 'rb').read()
        cut = tmp_path / f'cut.{ext}'
        cut.write_bytes(data[:len(data) - 40])
        with pytest.raises(ValueError, match=f'cannot decode image .*cut.{ext}.*truncated'):
            LoadFaceImage()(dict(img_path=str(cut)))
    empty = tmp_path / 'empty.png'
    empty.write_bytes(b'')
    with pytest.raises(ValueError, match='empty.png'):
        read_image(str(empty))
    with pytest.raises(FileNotFoundError, match='nowhere.png'):
        read_image(str(tmp_path / 'nowhere.png'))


def test_bad_arguments():
    with pytest.raises(ValueError, match='key'):
        LoadFaceImage(key='img')
    with pytest.raises(ValueError, match='num_channels'):
        LoadFaceImage(num_channels=4)
    with pytest.raises(KeyError, match='img_path'):
        LoadFaceImage()(dict())
