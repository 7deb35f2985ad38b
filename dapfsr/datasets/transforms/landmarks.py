"""68-point facial landmarks of the HR faces (iBUG 300-W scheme), made once offline.

``tools/dataset_converters/face_landmarks.py`` writes a landmark file (``.npz``) for a
dataset; :class:`LoadFaceLandmarks` reads it in the training pipeline and maps each
face's points into the HR face as the pipeline has made it (crop, resize, mirror).
CPGAN's landmark branch is trained on heatmaps drawn at these points.

File layout (``numpy.savez``, no pickled objects):
    ``img_keys`` (N,) str: each image's path relative to its dataset root (the
    datasets' ``img_key``); ``landmarks`` (N, 68, 2) float32: (x, y) in the pixels of
    the image file, pixel centres at integers; ``detected`` (N,) bool: False where no
    face was found and the points were fitted in a fallback box (unreliable);
    ``image_shapes`` (N, 2) int: (H, W) of each file; ``detector`` (): what made them.
"""
import os.path as osp

import numpy as np
from mmcv.transforms import BaseTransform

from dapfsr.registry import TRANSFORMS
from dapfsr.utils.fileio import atomic_write

NUM_LANDMARKS = 68

# index of each point's mirror image in the 68-point scheme (0-based): jaw 0-16, brows
# 17-26, nose 27-35, eyes 36-47, mouth 48-67 (iBUG 300-W's point numbering minus 1)
MIRROR_68 = np.array(
    [16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
     26, 25, 24, 23, 22, 21, 20, 19, 18, 17,
     27, 28, 29, 30, 35, 34, 33, 32, 31,
     45, 44, 43, 42, 47, 46, 39, 38, 37, 36, 41, 40,
     54, 53, 52, 51, 50, 49, 48, 59, 58, 57, 56, 55,
     64, 63, 62, 61, 60, 67, 66, 65])


def save_landmarks(path, img_keys, landmarks, detected, image_shapes, detector):
    """Write a landmark file (layout in the module docstring), atomically."""
    landmarks = np.asarray(landmarks, np.float32)
    if landmarks.shape != (len(img_keys), NUM_LANDMARKS, 2):
        raise ValueError(f'landmarks of shape {landmarks.shape} for {len(img_keys)} images; '
                         f'expected ({len(img_keys)}, {NUM_LANDMARKS}, 2)')
    with atomic_write(path, 'wb') as f:  # a file object: savez would append .npz to another suffix
        np.savez(f, img_keys=np.asarray(img_keys, dtype=str), landmarks=landmarks,
                 detected=np.asarray(detected, bool), image_shapes=np.asarray(image_shapes, np.int64),
                 detector=np.asarray(detector, dtype=str))


def load_landmarks(path):
    """Read a landmark file: ``{img_key: (points (68, 2), detected, (H, W))}``."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'landmark file not found: {path}; make it with '
                                'tools/dataset_converters/face_landmarks.py')
    try:
        with np.load(path, allow_pickle=False) as data:
            keys, points = data['img_keys'], data['landmarks']
            detected, shapes = data['detected'], data['image_shapes']
    except (KeyError, ValueError, OSError) as err:
        raise ValueError(f'bad landmark file {path}: {err}') from err
    if points.shape != (len(keys), NUM_LANDMARKS, 2):
        raise ValueError(f'bad landmark file {path}: landmarks of shape {points.shape} '
                         f'for {len(keys)} images')
    return {str(k): (p, bool(d), tuple(int(v) for v in s))
            for k, p, d, s in zip(keys, points, detected, shapes)}


@TRANSFORMS.register_module()
class LoadFaceLandmarks(BaseTransform):
    """Add the HR face's landmarks, in its current pixels, as ``results['gt_landmarks']``.

    Place it after the last transform that changes the HR face's geometry
    (``CropAndResize``, ``RandomHorizontalFlip``, ``MatlabResize`` of ``gt``); the random
    affine warps only the LR copy, so it changes nothing here. A point (x, y) of the
    image file is mapped through the crop box (``crop_box``, else the sample's, else
    the whole image, as ``CropAndResize`` chooses), stretched to the HR face's size
    (pixel centres: x' = (x - left + 0.5) * W / width - 0.5), and mirrored when
    ``results['flipped']`` (x' -> W - 1 - x', points renumbered by :data:`MIRROR_68`
    so that point 36 stays the outer corner of the eye on the image's left).

    Args:
        landmarks_file (str): The ``.npz`` of ``face_landmarks.py``; read on first use,
            so a config builds without it.
        crop_box (Sequence[int], optional): The ``crop_box`` given to ``CropAndResize``.

    Adds ``gt_landmarks`` ((68, 2) float32, x right, y down) and
    ``gt_landmarks_detected`` (bool: False for points fitted in a fallback box).
    """

    def __init__(self, landmarks_file, crop_box=None):
        self.landmarks_file = landmarks_file
        self.crop_box = crop_box
        self._table = None

    def landmarks_of(self, img_key):
        if self._table is None:
            self._table = load_landmarks(self.landmarks_file)
        if img_key not in self._table:
            raise KeyError(f'{self.landmarks_file} has no landmarks of {img_key}; make the file '
                           'for this dataset with tools/dataset_converters/face_landmarks.py')
        return self._table[img_key]

    def transform(self, results):
        points, detected, file_shape = self.landmarks_of(results['img_key'])
        if 'ori_shape' in results and tuple(results['ori_shape']) != file_shape:
            raise ValueError(f'{self.landmarks_file}: landmarks of {results["img_key"]} were made '
                             f'on a {file_shape} image, the file is {tuple(results["ori_shape"])}')
        box = self.crop_box if self.crop_box is not None else results.get('crop_box')
        top, left, height, width = box if box is not None else (0, 0, *file_shape)
        out_h, out_w = results['gt'].shape[:2]
        points = (points - np.array([left, top], np.float32) + 0.5) \
            * np.array([out_w / width, out_h / height], np.float32) - 0.5
        if results.get('flipped', False):
            points[:, 0] = out_w - 1 - points[:, 0]
            points = points[MIRROR_68]
        results['gt_landmarks'] = points.astype(np.float32)
        results['gt_landmarks_detected'] = detected
        return results

    def __repr__(self):
        return f'{type(self).__name__}(landmarks_file={self.landmarks_file!r}, crop_box={self.crop_box})'
