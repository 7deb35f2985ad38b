"""Reading face images of any depth and channel count."""
import os.path as osp

import logging

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmengine.logging import print_log

from dapfsr.registry import TRANSFORMS
from dapfsr.utils.user_errors import InputError


class UnreadableImageError(InputError):
    """An image file that cannot be decoded (empty, truncated, corrupt, of an unknown
    pixel type); the message is one line naming the file, which the tools end with."""


def read_image(path):
    """Read an image file as (H, W, C) RGB or gray, with a clear error on bad files.

    8-bit files stay uint8; 16-bit files become float32 in [0, 1]; an alpha
    channel is dropped (faces are opaque); a gray file gives C = 1.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        UnreadableImageError: (a ValueError) the file is empty, truncated, corrupt or of
            an unknown depth.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'image not found: {path}')
    with open(path, 'rb') as f:
        data = f.read()
    # a JPEG cut short has no end-of-image marker after its last scan
    truncated_jpeg = data[:2] == b'\xff\xd8' and data.rfind(b'\xff\xd9') < data.rfind(b'\xff\xda')
    img = None if truncated_jpeg or not data else cv2.imdecode(
        np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if img is None:
        raise UnreadableImageError(f'cannot decode image {path}: the file is empty, truncated or corrupt')
    if img.dtype == np.uint16:
        img = img.astype(np.float32) / 65535.0
    elif img.dtype not in (np.uint8, np.float32):
        raise UnreadableImageError(f'unsupported pixel type {img.dtype} in {path}')
    if img.ndim == 2:
        return img[..., None]
    if img.shape[2] in (1, 2):  # gray, gray + alpha
        return img[..., :1]
    return np.ascontiguousarray(img[..., 2::-1])  # BGR(A) -> RGB


@TRANSFORMS.register_module()
class LoadFaceImage(BaseTransform):
    """Load ``results['img_path']`` into ``results[key]`` as an (H, W, C) array.

    Args:
        key (str): ``'gt'`` for an HR face, ``'lr'`` for an LR-only face
            (real tiny faces without ground truth).
        num_channels (int | None): None keeps the file's channels (1 for gray,
            3 for colour); 3 replicates gray to RGB; 1 converts colour to gray
            (ITU-R BT.601 luma, as OpenCV and MATLAB's ``rgb2gray``).
        skip_unreadable (bool): A file that cannot be decoded makes the transform
            return None, which a training set answers with another face (mmengine's
            ``BaseDataset`` refetches), with a warning naming the file and counting the
            files skipped so far (per data-loading process); by default it is an
            :class:`UnreadableImageError` naming the file (one line in the tools).
            For training sets only: a test set must be whole (mmengine refuses None there).

    Adds ``results[key]`` (uint8, or float32 in [0, 1] for 16-bit files) and
    ``results['ori_shape']`` (H, W).
    """

    skipped = 0  # unreadable files skipped by this process (skip_unreadable=True)

    def __init__(self, key='gt', num_channels=None, skip_unreadable=False):
        if key not in ('gt', 'lr'):
            raise ValueError(f'LoadFaceImage key must be "gt" or "lr", got {key!r}')
        if num_channels not in (None, 1, 3):
            raise ValueError(f'LoadFaceImage num_channels must be None, 1 or 3, got {num_channels!r}')
        self.key, self.num_channels, self.skip_unreadable = key, num_channels, skip_unreadable

    def transform(self, results):
        if 'img_path' not in results:
            raise KeyError('LoadFaceImage needs "img_path" in the results')
        try:
            img = read_image(results['img_path'])
        except UnreadableImageError as err:
            if not self.skip_unreadable:
                raise UnreadableImageError(f'{err} (LoadFaceImage(skip_unreadable=True) skips such '
                                           'files of a training set)') from None
            LoadFaceImage.skipped += 1
            print_log(f'skipped an unreadable image ({LoadFaceImage.skipped} so far in this '
                      f'data process): {err}', logger='current', level=logging.WARNING)
            return None
        if self.num_channels == 3 and img.shape[2] == 1:
            img = np.repeat(img, 3, axis=2)
        elif self.num_channels == 1 and img.shape[2] == 3:
            img = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)[..., None]
        results[self.key] = img
        results['ori_shape'] = img.shape[:2]
        return results

    def __repr__(self):
        return (f'{type(self).__name__}(key={self.key!r}, num_channels={self.num_channels}, '
                f'skip_unreadable={self.skip_unreadable})')
