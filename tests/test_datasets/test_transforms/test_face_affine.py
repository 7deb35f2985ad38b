"""The random affine of sec. 5.2: ranges, geometry (a bright dot moves as recorded), seeding."""
import cv2
import numpy as np
import pytest
import torch
from mmengine.dataset import default_collate

from dapfsr.datasets import ImageFolderDataset
from dapfsr.datasets.transforms import (CropAndResize, MatlabResize, PackFaceInputs, RandomFaceAffine,
                                        image_to_tensor, read_face_tensor)
from dapfsr.utils.matlab_resize import matlab_imresize


def blob(size=128, centre=(63.5, 63.5), sigma=3.0):
    y, x = np.mgrid[:size, :size]
    img = np.exp(-((x - centre[0])**2 + (y - centre[1])**2) / (2 * sigma**2))
    return img.astype(np.float32)[..., None]


def centroid(img):
    img = img[..., 0].astype(np.float64)
    y, x = np.mgrid[:img.shape[0], :img.shape[1]]
    return np.array([(img * x).sum(), (img * y).sum()]) / img.sum()


def expected_position(point, params, size=128):
    """p' = s R(theta) (p - c) + c + t with theta counter-clockwise on screen (y down)."""
    c = np.array([(size - 1) / 2.0] * 2)
    theta = np.deg2rad(params['rotation'])
    dx, dy = np.asarray(point) - c
    rotated = np.array([dx * np.cos(theta) + dy * np.sin(theta), -dx * np.sin(theta) + dy * np.cos(theta)])
    return params['scale'] * rotated + c + np.asarray(params['translation'])


def test_parameters_stay_in_range():
    rng = np.random.default_rng(0)
    moderate = RandomFaceAffine()
    draws = np.array([[r, *t, s] for r, t, s in (moderate.sample_parameters(rng) for _ in range(500))])
    assert (np.abs(draws[:, 0]) <= 10).all() and (np.abs(draws[:, 1:3]) <= 4).all()
    assert ((draws[:, 3] >= 0.9) & (draws[:, 3] <= 1.1)).all()
    assert draws[:, 0].min() < -9 and draws[:, 0].max() > 9  # the range is used, not a corner of it
    mtdn = RandomFaceAffine(preset='mtdn')
    draws = np.array([[r, *t, s] for r, t, s in (mtdn.sample_parameters(rng) for _ in range(500))])
    assert np.abs(draws[:, 0]).max() > 40 and (np.abs(draws[:, 0]) <= 45).all()
    assert (np.abs(draws[:, 1]) <= 9.6).all() and (np.abs(draws[:, 2]) <= 8.7).all() and (draws[:, 3] == 1).all()
    custom = RandomFaceAffine(rotation=(5, 6), translation=(0, 2), scale=(1, 1.05))
    for _ in range(100):
        r, (tx, ty), s = custom.sample_parameters(rng)
        assert 5 <= r <= 6 and tx == 0 and abs(ty) <= 2 and 1 <= s <= 1.05


def test_dot_moves_as_the_parameters_say():
    point = (63.5 + 24, 63.5 - 10)
    for i in range(6):
        results = RandomFaceAffine(seed=7, border_mode='constant')(dict(gt=blob(centre=point), img_key=f'dot{i}'))
        params = results['affine']
        assert results['lr'].shape == (128, 128, 1)
        np.testing.assert_allclose(centroid(results['lr']), expected_position(point, params), atol=0.1)


def test_rotation_is_counter_clockwise_about_the_centre():
    point = (63.5 + 24, 63.5)
    affine = RandomFaceAffine(rotation=(90, 90), translation=0, scale=(1, 1), border_mode='constant')
    out = affine(dict(gt=blob(centre=point), img_key='r'))['lr']
    np.testing.assert_allclose(centroid(out), (63.5, 63.5 - 24), atol=0.05)  # right of centre -> above it


def test_lr_face_moves_by_translation_over_the_scale_factor():
    point = (63.5, 63.5)
    still = RandomFaceAffine(rotation=(0, 0), translation=0, scale=(1, 1), border_mode='constant')
    moved = RandomFaceAffine(rotation=(0, 0), translation=6, scale=(1, 1), border_mode='constant', seed=3)
    down = MatlabResize(keys='lr', size=16)
    ref = down(still(dict(gt=blob(centre=point, sigma=6), img_key='x')))['lr']
    results = down(moved(dict(gt=blob(centre=point, sigma=6), img_key='x')))
    tx, ty = results['affine']['translation']
    assert abs(tx) > 0.5 or abs(ty) > 0.5
    assert results['lr'].shape == (16, 16, 1)
    np.testing.assert_allclose(centroid(results['lr']) - centroid(ref), np.array([tx, ty]) / 8, atol=0.03)
    # LR pixel x (0-based) covers HR pixels 8x .. 8x + 7, centre 8x + 3.5
    np.testing.assert_allclose(centroid(ref), (np.array(point) - 3.5) / 8, atol=0.03)


def test_preset_none_gives_the_plain_downsample():
    rng = np.random.default_rng(2)
    for gt in ((rng.random((128, 128, 3)) * 255).astype(np.uint8), rng.random((128, 128, 1)).astype(np.float32)):
        pipeline = [RandomFaceAffine(preset='none', seed=0), MatlabResize(keys='lr', size=16), PackFaceInputs()]
        results = dict(gt=gt.copy(), img_key='face.png')
        for transform in pipeline:
            results = transform(results)
        sample = results['data_samples']
        assert sample.affine == dict(rotation=0.0, translation=(0.0, 0.0), scale=1.0)
        assert results['inputs'] is sample.lr_img and sample.lr_img.shape == (gt.shape[2], 16, 16)
        torch.testing.assert_close(sample.gt_img, image_to_tensor(gt), atol=0, rtol=0)
        torch.testing.assert_close(sample.lr_img, image_to_tensor(matlab_imresize(gt, size=16)), atol=0, rtol=0)


def test_same_seed_and_face_give_the_same_draw_in_any_order():
    affine = RandomFaceAffine(seed=11)
    faces = [dict(gt=np.full((32, 32, 3), 100, np.uint8), img_key=f'face{i}.png') for i in range(5)]
    forward = [affine(dict(f))['affine'] for f in faces]
    backward = [affine(dict(f))['affine'] for f in reversed(faces)][::-1]
    assert forward == backward
    assert len({p['rotation'] for p in forward}) == 5
    assert RandomFaceAffine(seed=12)(dict(faces[0]))['affine'] != forward[0]
    by_index = RandomFaceAffine(seed=11)(dict(gt=faces[0]['gt'], sample_idx=3))['affine']
    assert by_index == RandomFaceAffine(seed=11)(dict(gt=faces[0]['gt'], sample_idx=3))['affine']
    with pytest.raises(KeyError, match='img_key'):
        affine(dict(gt=faces[0]['gt']))


def test_unseeded_draws_follow_numpy_global_seed():
    affine = RandomFaceAffine(seed=None)
    np.random.seed(5)
    first = [affine(dict(gt=np.zeros((8, 8, 1), np.uint8)))['affine'] for _ in range(2)]
    np.random.seed(5)
    again = [affine(dict(gt=np.zeros((8, 8, 1), np.uint8)))['affine'] for _ in range(2)]
    assert first == again and first[0] != first[1]


def test_worker_order_does_not_change_the_lr_faces(tmp_path):
    rng = np.random.default_rng(0)
    for i in range(8):
        cv2.imwrite(str(tmp_path / f'{i}.png'), (rng.random((32, 32, 3)) * 255).astype(np.uint8))
    dataset = ImageFolderDataset(str(tmp_path), pipeline=[
        dict(type='LoadFaceImage'), dict(type='RandomFaceAffine', seed=0),
        dict(type='RandomNoise', sigma=0.05, seed=0), dict(type='MatlabResize', keys='lr', size=8),
        dict(type='PackFaceInputs')])
    sequential = {dataset[i]['data_samples'].img_key: dataset[i]['inputs'] for i in range(len(dataset))}
    loader = torch.utils.data.DataLoader(dataset, batch_size=3, shuffle=True, num_workers=2,
                                         collate_fn=default_collate,
                                         generator=torch.Generator().manual_seed(1))
    seen = 0
    for batch in loader:
        for lr, sample in zip(batch['inputs'], batch['data_samples']):
            torch.testing.assert_close(lr, sequential[sample.img_key], atol=0, rtol=0)
            seen += 1
    assert seen == 8


def test_crop_and_resize_uses_the_sample_box_and_checks_it():
    img = np.zeros((218, 178, 3), np.uint8)
    img[54:187, 34:141] = 200  # MTDN's box, 133 x 107
    out = CropAndResize(size=128)(dict(gt=img, crop_box=[54, 34, 133, 107]))['gt']
    assert out.shape == (128, 128, 3) and (out == 200).all()
    whole = CropAndResize(size=(64, 32))(dict(gt=img))['gt']
    assert whole.shape == (64, 32, 3)
    with pytest.raises(ValueError, match='outside.*face.jpg'):
        CropAndResize(crop_box=(200, 0, 40, 40))(dict(gt=img, img_path='face.jpg'))


def test_read_face_tensor_is_the_pipelines_face_in_model_range(tmp_path):
    img = np.zeros((218, 178), np.uint8)
    img[54:187, 34:141] = np.arange(107, dtype=np.uint8)[None]  # a gray ramp inside MTDN's box
    cv2.imwrite(str(tmp_path / 'face.png'), img)
    face = read_face_tensor(str(tmp_path / 'face.png'), crop_box=(54, 34, 133, 107), size=64)
    expected = CropAndResize(size=64)(dict(gt=img[..., None], crop_box=(54, 34, 133, 107)))['gt']
    assert face.shape == (3, 64, 64)  # gray replicated to RGB
    assert torch.allclose(face, image_to_tensor(expected).expand(3, -1, -1) * 2 - 1)
    assert read_face_tensor(str(tmp_path / 'face.png')).shape == (3, 218, 178)
    with pytest.raises(ValueError, match='outside.*face.png'):
        read_face_tensor(str(tmp_path / 'face.png'), crop_box=(200, 0, 40, 40))


def test_bad_ranges():
    with pytest.raises(ValueError, match='preset'):
        RandomFaceAffine(preset='wild')
    with pytest.raises(ValueError, match='scale'):
        RandomFaceAffine(scale=(1.2, 1.0))
    with pytest.raises(ValueError, match='border_mode'):
        RandomFaceAffine(border_mode='wrap')
