import glob
import logging
import os.path as osp

import cv2
import pytest
import torch
from mmengine.logging import MMLogger


def read_face(path):
    """A real face as the data samples hold it: (3, H, W) float32 RGB in [0, 1]."""
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    return torch.from_numpy(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)).permute(2, 0, 1).float() / 255


@pytest.fixture
def faces(celeba_hq_root):
    """The first four CelebA-HQ test faces (four different people)."""
    paths = sorted(glob.glob(osp.join(celeba_hq_root, 'test', '*.jpg')))[:4]
    return [read_face(p) for p in paths]


@pytest.fixture
def logged_warnings():
    """Messages of WARNING records logged through mmengine's current logger."""
    records = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    logger = MMLogger.get_current_instance()
    handler = Collect(level=logging.WARNING)
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)
