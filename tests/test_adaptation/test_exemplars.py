"""Exemplar files: loading, gray faces, made-up LR faces and clear errors naming the file."""
import cv2
import numpy as np
import pytest
import torch
from adaptation_helpers import DEGRADATION, HR_SIZE, LR_SIZE

from dapfsr.adaptation import PipelineDegradation, exemplars_from_samples, load_exemplar_files
from dapfsr.structures import FaceSRDataSample


def write(path, size, channels=3, seed=0):
    img = np.random.default_rng(seed).integers(0, 256, (size, size, channels), dtype=np.uint8)
    cv2.imwrite(str(path), img if channels == 3 else img[..., 0])
    return str(path), img


@pytest.fixture(scope='module')
def model(build_tiny_model):
    return build_tiny_model()


def test_hr_and_lr_files_load_in_the_model_range(model, tmp_path):
    hr_path, hr = write(tmp_path / 'hr.png', HR_SIZE)
    lr_path, lr = write(tmp_path / 'lr.png', LR_SIZE, seed=1)
    exemplars = load_exemplar_files(model, PipelineDegradation(DEGRADATION), [hr_path], [lr_path])
    expected_hr = torch.from_numpy(hr[..., ::-1].copy()).permute(2, 0, 1).float() / 127.5 - 1  # BGR file
    torch.testing.assert_close(exemplars.hr[0], expected_hr)
    assert exemplars.lr.shape == (1, 3, LR_SIZE, LR_SIZE) and len(exemplars) == 1


def test_missing_lr_is_made_by_the_degradation_and_gray_is_replicated(model, tmp_path):
    paths = [write(tmp_path / 'a.png', HR_SIZE)[0], write(tmp_path / 'gray.pgm', HR_SIZE, channels=1)[0]]
    exemplars = load_exemplar_files(model, PipelineDegradation(DEGRADATION), paths)
    assert exemplars.hr.shape == (2, 3, HR_SIZE, HR_SIZE) and exemplars.lr.shape == (2, 3, LR_SIZE, LR_SIZE)
    assert torch.equal(exemplars.hr[1, 0], exemplars.hr[1, 2])
    assert exemplars.lr.min() >= -1 and exemplars.lr.max() <= 1


def test_bad_exemplars_are_named(model, tmp_path):
    degradation = PipelineDegradation(DEGRADATION)
    good = write(tmp_path / 'good.png', HR_SIZE)[0]
    wrong_size = write(tmp_path / 'big.png', 2 * HR_SIZE)[0]
    with pytest.raises(ValueError, match=f'exemplar HR {wrong_size} is 32x32 pixels; the model needs 16x16'):
        load_exemplar_files(model, degradation, [wrong_size])
    not_image = tmp_path / 'notes.png'
    not_image.write_text('not an image')
    with pytest.raises(ValueError, match=f'cannot decode image {not_image}'):
        load_exemplar_files(model, degradation, [str(not_image)])
    missing = str(tmp_path / 'missing.png')
    with pytest.raises(FileNotFoundError, match=missing):
        load_exemplar_files(model, degradation, [missing])
    with pytest.raises(ValueError, match='exemplar LR .*good.png is 16x16 pixels; the model needs 8x8'):
        load_exemplar_files(model, degradation, [good], [good])
    with pytest.raises(ValueError, match='one LR file per HR file'):
        load_exemplar_files(model, degradation, [good, good], [good])


def test_exemplars_from_dataset_samples(model):
    sample = FaceSRDataSample(metainfo=dict(img_path='face.png'))
    sample.gt_img = torch.rand(1, HR_SIZE, HR_SIZE)
    exemplars = exemplars_from_samples(model, [dict(inputs=torch.rand(1, LR_SIZE, LR_SIZE), data_samples=sample)])
    assert exemplars.hr.shape == (1, 3, HR_SIZE, HR_SIZE) and exemplars.lr.shape == (1, 3, LR_SIZE, LR_SIZE)
    no_hr = FaceSRDataSample(metainfo=dict(img_path='tiny_face.png'))
    with pytest.raises(ValueError, match='tiny_face.png'):
        exemplars_from_samples(model, [dict(inputs=torch.rand(3, LR_SIZE, LR_SIZE), data_samples=no_hr)])


def test_degradation_gives_lr_like_the_data_pipeline():
    hr = torch.rand(2, 3, HR_SIZE, HR_SIZE) * 2 - 1
    first = PipelineDegradation([dict(DEGRADATION[0], seed=7), DEGRADATION[1]])
    lr = first(hr)
    assert lr.shape == (2, 3, LR_SIZE, LR_SIZE) and first.num_degraded == 2
    again = PipelineDegradation([dict(DEGRADATION[0], seed=7), DEGRADATION[1]])
    assert torch.equal(again(hr), lr)  # per-sample seeding by the running count
    assert not torch.equal(first(hr), lr)  # the next faces get new affines
    with pytest.raises(ValueError, match='degradation pipeline is empty'):
        PipelineDegradation([])
