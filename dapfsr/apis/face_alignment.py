"""Faces of photos aligned like the training faces: the similarity onto the CelebA-HQ crop,
the warp and the LR crop the model takes.

The model takes faces cropped and aligned like its training faces: CelebA-HQ's crops, a
square around the eyes and mouth, here ``TEMPLATE_128``, the mean landmarks of the
CelebA-HQ training faces (128 px) as :class:`~dapfsr.models.detectors.MTCNN` finds them
(measured, see ``docs/photos.md``).

Coordinates are continuous: pixel (i, j) covers [j, j + 1) x [i, i + 1), its centre at
(j + 0.5, i + 0.5), so scaling an image by k scales every coordinate by k. Points are
(x, y); maps are 2 x 3 affine matrices, dst ~ M @ [x, y, 1].
"""
import math

import cv2
import numpy as np

from dapfsr.utils.matlab_resize import matlab_imresize

# CelebA-HQ's crop as this MTCNN sees it: the median landmarks (x, y) of the nearly
# frontal CelebA-HQ training faces (128 px, continuous coordinates), with their mirror
# images (the training flips faces): left eye, right eye, nose tip, left and right mouth
# corner, left/right as seen in the image. Measured on every second training face,
# 3,976 found, 451 nearly frontal (nose within 10 % of the eye distance of the eyes'
# midpoint, left to right); the same on the faces shrunk to 32 px agrees within 0.3 px.
# docs/photos.md tells how.
TEMPLATE_SIDE = 128
TEMPLATE_128 = np.array([[42.21, 44.00], [85.79, 44.00], [64.00, 70.56],
                         [45.70, 90.87], [82.30, 90.87]])


def similarity_fit(src, dst):
    """The least-squares similarity (rotation, uniform scale, shift) taking the points
    ``src`` (N, 2) to ``dst`` (N, 2), as a 2 x 3 matrix: dst ~ M @ [x, y, 1]."""
    src, dst = np.asarray(src, np.float64), np.asarray(dst, np.float64)
    mu_s, mu_d = src.mean(0), dst.mean(0)
    s, d = src - mu_s, dst - mu_d
    norm = (s ** 2).sum()
    if norm == 0:
        raise ValueError('the source points coincide: no similarity fits them')
    a = (s * d).sum() / norm
    b = (s[:, 0] * d[:, 1] - s[:, 1] * d[:, 0]).sum() / norm
    lin = np.array([[a, -b], [b, a]])
    return np.concatenate([lin, (mu_d - lin @ mu_s)[:, None]], 1)


def invert_affine(matrix):
    """The inverse of a 2 x 3 affine map."""
    lin_inv = np.linalg.inv(matrix[:, :2])
    return np.concatenate([lin_inv, -(lin_inv @ matrix[:, 2:])], 1)


def affine_scale(matrix):
    """The linear scale of a similarity (sqrt of the determinant)."""
    return float(math.sqrt(abs(np.linalg.det(matrix[:, :2]))))


def scaled(matrix, before=1.0, after=1.0):
    """``p -> after * M(p / before)``: a map between images resized by these factors."""
    out = np.asarray(matrix, np.float64) * after
    out[:, :2] /= before
    return out


def alignment_matrix(landmarks, template=TEMPLATE_128):
    """The similarity from photo coordinates to the ``TEMPLATE_SIDE`` px crop that puts the
    five ``landmarks`` (5, 2) on ``template`` (least squares)."""
    return similarity_fit(landmarks, template)


def _centred(matrix):
    """A map between continuous coordinates as one between pixel-centre coordinates, the
    convention of ``cv2.warpAffine``: q_c = M (p_c + 0.5) - 0.5."""
    out = np.asarray(matrix, np.float64).copy()
    out[:, 2] += out[:, :2].sum(1) * 0.5 - 0.5
    return out


def warp(img, dst_to_src, size, interpolation=cv2.INTER_CUBIC, border=cv2.BORDER_REFLECT_101):
    """Sample ``img`` at ``dst_to_src`` (continuous 2 x 3 map) of each pixel of a
    (height, width) = ``size`` output; float images in, float images out."""
    out = cv2.warpAffine(img, _centred(dst_to_src), (int(size[1]), int(size[0])),
                         flags=interpolation | cv2.WARP_INVERSE_MAP, borderMode=border)
    return out[..., None] if img.ndim == 3 and out.ndim == 2 else out


def as_float(img):
    """uint8 (or float in [0, 1]) (H, W[, C]) -> float32 (H, W, C) in [0, 1]."""
    img = np.asarray(img)
    img = img.astype(np.float32) / 255.0 if img.dtype == np.uint8 else img.astype(np.float32)
    return img[..., None] if img.ndim == 2 else img


def crop_lr_face(img, matrix, lr_size, template_side=TEMPLATE_SIDE):
    """The LR face of a photo: warped to the aligned crop, MATLAB bicubic to ``lr_size``.

    The photo is warped (bicubic, mirrored border as ``RandomFaceAffine``) to a crop of
    side ``max(8 * lr_size, the crop's side in the photo)``, then brought down to the LR
    size with MATLAB's antialiased bicubic, as the training LR faces were made from their
    128 px crops.

    Args:
        img (np.ndarray): (H, W, C) photo, uint8 or float in [0, 1].
        matrix (np.ndarray): 2 x 3 photo -> ``template_side`` px crop (:func:`alignment_matrix`).
        lr_size (int): The model's LR side.

    Returns:
        np.ndarray: (lr_size, lr_size, C) float32 in [0, 1].
    """
    side_in_photo = template_side / affine_scale(matrix)
    side = int(max(8 * lr_size, math.ceil(side_in_photo)))
    crop = warp(as_float(img), invert_affine(scaled(matrix, after=side / template_side)),
                (side, side))
    return matlab_imresize(crop, size=(lr_size, lr_size)).clip(0, 1).astype(np.float32)
