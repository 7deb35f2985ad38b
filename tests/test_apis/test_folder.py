"""dapfsr.apis.super_resolve_folder: a folder of face crops and photos in, one PNG per input
out, crop or photo decided by size (and a face found) as tools/infer.py decides; each output
checked against what it must hold, computed here without the folder code."""
import os

import cv2
import numpy as np
import pytest
import torch
from skimage import data

from dapfsr.apis import folder as folder_api
from dapfsr.apis import plan_folder, super_resolve_folder
from dapfsr.apis.photo import CROP_MAX_FACTOR, PHOTO_MIN_FACTOR, demo_photo, super_resolve_photo
from dapfsr.models.detectors import DetectorUnavailable
from dapfsr.utils.matlab_resize import matlab_imresize
from dapfsr.utils.user_errors import InputError
from conftest import HR_SIZE, LR_SIZE


def imwrite(path, img):
    cv2.imwrite(str(path), img[..., ::-1] if img.ndim == 3 else img)


def imread(path):
    return cv2.imread(str(path), cv2.IMREAD_UNCHANGED)[..., ::-1]


def models_sr(model, rgb):
    """The model's SR face of an (h, w, 3) uint8 face: MATLAB bicubic to the LR size, scaled
    to [-1, 1], ``model(x, mode='tensor')``, back to [0, 255]."""
    lr = matlab_imresize(rgb.astype(np.float32) / 255, size=(LR_SIZE, LR_SIZE)).clip(0, 1)
    x = torch.from_numpy(np.ascontiguousarray(lr)).permute(2, 0, 1)[None] * 2 - 1
    with torch.no_grad():
        sr = model(x, mode='tensor')[0].clamp(-1, 1)
    return ((sr + 1) * 127.5).round().permute(1, 2, 0).numpy().astype(int)


@pytest.fixture
def folder(tmp_path):
    """One input of each kind the size rule tells apart, {name: RGB image}."""
    rng = np.random.default_rng(0)
    coffee = data.coffee()
    inputs = {
        'crop.png': rng.integers(0, 256, (LR_SIZE, LR_SIZE, 3), dtype=np.uint8),
        # up to CROP_MAX_FACTOR x the LR side: a crop, no face sought
        'crop_x2.png': rng.integers(0, 256, (CROP_MAX_FACTOR * LR_SIZE,) * 2 + (3,), dtype=np.uint8),
        # in between: a photo when a face is found (a 12 px face, 59 px), else a crop
        'face_mid.png': demo_photo(10),
        'coffee_mid.png': cv2.resize(coffee, (5 * LR_SIZE, 5 * LR_SIZE), interpolation=cv2.INTER_AREA),
        # above PHOTO_MIN_FACTOR x the LR side: a photo, with a face or none
        'face_big.png': demo_photo(24),
        'coffee_big.png': cv2.resize(coffee, ((PHOTO_MIN_FACTOR + 1) * LR_SIZE,) * 2,
                                     interpolation=cv2.INTER_AREA),
    }
    assert 2 * LR_SIZE < 59 <= PHOTO_MIN_FACTOR * LR_SIZE < inputs['face_big.png'].shape[0]
    src = tmp_path / 'in'
    src.mkdir()
    for name, img in inputs.items():
        imwrite(src / name, img)
    return src, {name: imread(src / name) for name in inputs}


def test_crops_and_photos_by_size_and_face(folder, tmp_path, tiny_model):
    src, inputs = folder
    model = tiny_model()
    messages = []
    summary = super_resolve_folder(model, str(src), str(tmp_path / 'out'), large_faces=True,
                                   photo_scale=2, on_photo=lambda path, result: messages.append(path))
    assert (summary.total, summary.written, summary.crops, summary.photos, summary.faces) == (6, 6, 3, 3, 2)
    assert summary.auto_crops == [f'coffee_mid.png ({5 * LR_SIZE}x{5 * LR_SIZE})']
    assert summary.no_face == ['coffee_big.png'] and summary.failed == []
    assert messages == ['coffee_big.png', 'face_big.png', 'face_mid.png']
    out = {name: imread(tmp_path / 'out' / f'{name}.png') for name in inputs}
    for name in ('crop.png', 'crop_x2.png', 'coffee_mid.png'):  # the model's SR face
        assert out[name].shape == (HR_SIZE, HR_SIZE, 3)
        assert np.abs(out[name].astype(int) - models_sr(model, inputs[name])).max() <= 1, name
    np.testing.assert_array_equal(out['coffee_big.png'], inputs['coffee_big.png'])  # unchanged
    for name in ('face_mid.png', 'face_big.png'):  # the photo pipeline's picture
        expected = super_resolve_photo(model, inputs[name], scale=2, large_faces=True).image
        assert expected.shape[:2] == (2 * inputs[name].shape[0], 2 * inputs[name].shape[1])
        np.testing.assert_array_equal(out[name], expected)


def test_mode_decides_for_every_input(folder, tmp_path, tiny_model):
    src, inputs = folder
    model = tiny_model()
    summary = super_resolve_folder(model, str(src), str(tmp_path / 'crops'), mode='crop')
    assert (summary.crops, summary.photos) == (6, 0)
    face = imread(tmp_path / 'crops' / 'face_big.png.png')
    assert np.abs(face.astype(int) - models_sr(model, inputs['face_big.png'])).max() <= 1
    summary = super_resolve_folder(model, str(src), str(tmp_path / 'photos'), mode='photo', large_faces=True)
    assert (summary.crops, summary.photos) == (0, 6)
    assert summary.no_face == ['coffee_big.png', 'coffee_mid.png', 'crop.png', 'crop_x2.png']
    np.testing.assert_array_equal(imread(tmp_path / 'photos' / 'crop.png.png'), inputs['crop.png'])


def test_a_folder_of_crops_needs_no_detector(folder, tmp_path, monkeypatch, tiny_model):
    src, _ = folder

    def no_detector(**kwargs):
        raise DetectorUnavailable('no detector here')

    monkeypatch.setattr(folder_api, 'MTCNN', no_detector)
    for name in os.listdir(src):
        if not name.startswith('crop'):
            os.remove(src / name)
    summary = super_resolve_folder(tiny_model(), str(src), str(tmp_path / 'out'))
    assert (summary.crops, summary.written) == (2, 2)
    imwrite(src / 'face_big.png', demo_photo(24))
    with pytest.raises(DetectorUnavailable, match='no detector here'):
        super_resolve_folder(tiny_model(), str(src), str(tmp_path / 'out'))


def test_plan_skips_existing_outputs_and_refuses_to_write_over_an_input(folder, tmp_path, tiny_model):
    src, _ = folder
    out = tmp_path / 'out'
    out.mkdir()
    imwrite(out / 'crop.png.png', np.zeros((HR_SIZE, HR_SIZE, 3), np.uint8))
    plan = plan_folder(str(src), str(out), skip_existing=True)
    assert plan.total == 6 and plan.skipped == 1 and 'crop.png' not in plan.images
    assert plan.conflict is None
    config = out / 'crop_x2.png.png'  # a file the run reads, where an output would go
    config.write_text('model = dict()')
    plan = plan_folder(str(src), str(out), protected=[(str(config), 'CONFIG'), (None, 'CHECKPOINT')])
    assert plan.conflict == (f'the output of crop_x2.png, {config}, is CONFIG {config}: it would be '
                             'written over; give another OUTPUT_DIR')
    with pytest.raises(InputError, match='the output of crop_x2.png'):
        super_resolve_folder(tiny_model(), str(src), str(out), protected=[(str(config), 'CONFIG')])
    assert config.read_text() == 'model = dict()'
