"""LoadFaceLandmarks: landmark files, and the points mapped into the HR face the pipeline makes."""
import numpy as np
import pytest

from dapfsr.datasets.transforms import CropAndResize, LoadFaceLandmarks, RandomHorizontalFlip
from dapfsr.datasets.transforms.landmarks import MIRROR_68, load_landmarks, save_landmarks


def write(path, points, detected=True, shape=(100, 80), key='train/a.jpg'):
    save_landmarks(path, [key], points[None], [detected], [shape], 'test')
    return str(path)


def test_landmark_file_round_trip_and_errors(tmp_path):
    points = np.random.default_rng(0).random((2, 68, 2)).astype(np.float32) * 50
    save_landmarks(tmp_path / 'l.npz', ['a.jpg', 'b/c.png'], points, [True, False], [(50, 60), (7, 8)], 'x')
    table = load_landmarks(str(tmp_path / 'l.npz'))
    assert set(table) == {'a.jpg', 'b/c.png'}
    assert np.array_equal(table['b/c.png'][0], points[1]) and table['b/c.png'][1:] == (False, (7, 8))
    with pytest.raises(FileNotFoundError, match='face_landmarks.py'):
        load_landmarks(str(tmp_path / 'missing.npz'))
    (tmp_path / 'bad.npz').write_bytes(b'not a zip')
    with pytest.raises(ValueError, match='bad.npz'):
        load_landmarks(str(tmp_path / 'bad.npz'))
    with pytest.raises(ValueError, match='expected'):
        save_landmarks(tmp_path / 'x.npz', ['a'], points, [True], [(1, 1)], 'x')


def test_points_follow_the_crop_and_resize(tmp_path):
    points = np.zeros((68, 2), np.float32)
    points[0] = (30.0, 20.0)  # x, y in the file's pixels
    points[1] = (10.0 - 0.5, 10.0 - 0.5)  # the crop box's top-left pixel edge
    transform = LoadFaceLandmarks(write(tmp_path / 'l.npz', points))
    results = dict(img_key='train/a.jpg', ori_shape=(100, 80), gt=np.zeros((100, 80, 3), np.uint8),
                   crop_box=(10, 10, 50, 40))  # top, left, height, width
    results = CropAndResize(size=(25, 20))(results)  # the box halved
    out = transform(results)['gt_landmarks']
    # (x - left + 0.5) * 20 / 40 - 0.5, (y - top + 0.5) * 25 / 50 - 0.5
    assert out[0] == pytest.approx([(30 - 10 + 0.5) / 2 - 0.5, (20 - 10 + 0.5) / 2 - 0.5])
    assert out[1] == pytest.approx([-0.5, -0.5])  # pixel edges map to pixel edges
    assert results['gt_landmarks_detected'] is True
    # a crop_box given to the transform (as to CropAndResize) wins over the sample's
    other = LoadFaceLandmarks(transform.landmarks_file, crop_box=(0, 0, 100, 80))(
        dict(results, gt=np.zeros((50, 40, 3))))['gt_landmarks']
    assert other[0] == pytest.approx([(30 + 0.5) / 2 - 0.5, (20 + 0.5) / 2 - 0.5])


def test_a_mirrored_face_gets_mirrored_and_renumbered_points(tmp_path):
    points = np.random.default_rng(1).random((68, 2)).astype(np.float32) * 60
    transform = LoadFaceLandmarks(write(tmp_path / 'l.npz', points, detected=False, shape=(64, 64)))
    flipped = RandomHorizontalFlip(prob=1.0)(dict(img_key='train/a.jpg', gt=np.zeros((64, 64, 3), np.uint8)))
    out = transform(flipped)['gt_landmarks']
    assert out[45] == pytest.approx([63 - points[36, 0], points[36, 1]])  # outer eye corners swap
    assert out[8] == pytest.approx([63 - points[8, 0], points[8, 1]])  # the chin stays the chin
    assert flipped['gt_landmarks_detected'] is False
    assert np.array_equal(MIRROR_68[MIRROR_68], np.arange(68))  # mirroring twice is the identity


def test_missing_faces_and_other_image_sizes_are_named(tmp_path):
    transform = LoadFaceLandmarks(write(tmp_path / 'l.npz', np.zeros((68, 2), np.float32)))
    with pytest.raises(KeyError, match='train/b.jpg'):
        transform(dict(img_key='train/b.jpg', gt=np.zeros((100, 80, 3))))
    with pytest.raises(ValueError, match=r'\(100, 80\)'):
        transform(dict(img_key='train/a.jpg', ori_shape=(128, 128), gt=np.zeros((128, 128, 3))))
    later = LoadFaceLandmarks(str(tmp_path / 'not_made_yet.npz'))  # builds: the file is read on first use
    with pytest.raises(FileNotFoundError, match='not_made_yet.npz'):
        later(dict(img_key='train/a.jpg', gt=np.zeros((100, 80, 3))))
