"""SR faces back into the photo: a feathered mask, colour matched, warped back, then the
whole made consistent with the photo's own pixels.

:func:`paste_face` blends each face into the photo enlarged ``scale`` times (bicubic);
:func:`project_to_photo` then makes the result, shrunk back to the photo with MATLAB bicubic,
reproduce the photo (see :mod:`dapfsr.apis.photo`). Coordinates as in
:mod:`dapfsr.apis.face_alignment`.
"""
import math

import cv2
import numpy as np

from dapfsr.utils.matlab_resize import output_shape, resize_matrix
from .face_alignment import (TEMPLATE_128, TEMPLATE_SIDE, affine_scale, as_float, invert_affine, scaled,
                             warp)


def face_mask(side, template=TEMPLATE_128, template_side=TEMPLATE_SIDE, feather=0.05):
    """A feathered oval over the face in a ``side`` px aligned crop, (side, side) in [0, 1].

    The oval reaches 0.6 eye-to-mouth distances above the eyes, 0.45 below the mouth
    and 0.55 eye distances beyond each eye, shrunk where needed so that its edge, a
    Gaussian fall-off of ``feather`` x side, ends inside the crop: the model draws
    hair and background as CelebA-HQ's, which are not the photo's.
    """
    t = np.asarray(template, np.float64) * side / template_side
    eyes, mouth = t[:2].mean(0), t[3:].mean(0)
    eye_dist, eye_mouth = np.linalg.norm(t[1] - t[0]), np.linalg.norm(mouth - eyes)
    sigma = feather * side
    margin = 2.5 * sigma
    top = max(eyes[1] - 0.6 * eye_mouth, margin)
    bottom = min(mouth[1] + 0.45 * eye_mouth, side - margin)
    left = max(t[0, 0] - 0.55 * eye_dist, margin)
    right = min(t[1, 0] + 0.55 * eye_dist, side - margin)
    ss = 4  # drawn at 4x and averaged down: a smooth edge before the feathering
    big = np.zeros((side * ss, side * ss), np.float32)
    cv2.ellipse(big, (int(round((left + right) / 2 * ss)), int(round((top + bottom) / 2 * ss))),
                (int(round((right - left) / 2 * ss)), int(round((bottom - top) / 2 * ss))),
                0, 0, 360, 1.0, -1)
    mask = cv2.resize(big, (side, side), interpolation=cv2.INTER_AREA)
    if sigma > 0:
        mask = cv2.GaussianBlur(mask, (0, 0), sigma, borderType=cv2.BORDER_CONSTANT)
    return np.clip(mask, 0, 1)


def match_colour(src, ref, weight):
    """``src`` (H, W, C) float in [0, 1] with the colour statistics of ``ref`` under ``weight``.

    Colour: in CIE Lab, the mean lightness and the mean and spread of each chroma
    channel (a, b) of ``ref`` (Reinhard et al. 2001, on L only the mean, so the
    drawn face keeps its own contrast). Gray (C = 1): the mean.
    """
    w = weight[..., None] / max(float(weight.sum()), 1e-6)

    def stats(x):
        mean = (x * w).sum((0, 1))
        return mean, np.sqrt(np.maximum(((x - mean) ** 2 * w).sum((0, 1)), 0))

    if src.shape[2] == 1:
        return np.clip(src - stats(src)[0] + stats(ref)[0], 0, 1)
    src_lab = cv2.cvtColor(np.ascontiguousarray(src, np.float32), cv2.COLOR_RGB2Lab)
    ref_lab = cv2.cvtColor(np.ascontiguousarray(ref, np.float32), cv2.COLOR_RGB2Lab)
    (s_mean, s_std), (r_mean, r_std) = stats(src_lab), stats(ref_lab)
    gain = np.ones(3, np.float32)
    gain[1:] = np.where(s_std[1:] > 1e-3, r_std[1:] / np.maximum(s_std[1:], 1e-3), 0.0)
    out = (src_lab - s_mean) * gain + r_mean
    return np.clip(cv2.cvtColor(out.astype(np.float32), cv2.COLOR_Lab2RGB), 0, 1)


def paste_face(canvas, sr, matrix, scale, template_side=TEMPLATE_SIDE, colour=True, mask=None,
               weights=None):
    """Blend an SR face into the enlarged photo, in place.

    Args:
        canvas (np.ndarray): (H * scale, W * scale, C) float32, the photo enlarged.
        sr (np.ndarray): (S, S, C) float32 in [0, 1], the model's face for the crop of
            ``matrix``.
        matrix (np.ndarray): 2 x 3 photo -> ``template_side`` px crop.
        scale (float): How much larger ``canvas`` is than the photo.
        colour (bool): Match the SR face's colour to the canvas under the mask first.
        mask (np.ndarray, optional): (S, S) blending weights; :func:`face_mask` by default.
        weights (np.ndarray, optional): (H * scale, W * scale) float32: where given, the
            face's blending weight is written into it (the larger of the two where faces
            overlap).

    Returns:
        tuple: (x0, y0, x1, y1), the canvas region changed.
    """
    canvas_to_crop = scaled(matrix, before=scale, after=1.0)  # canvas -> template crop
    side = sr.shape[0]
    side_in_canvas = template_side / affine_scale(canvas_to_crop)
    if mask is None:
        mask = face_mask(side)
    if side_in_canvas < side:  # shrinking: average first, bilinear warping would alias
        small = max(1, int(round(side_in_canvas)))
        sr = cv2.resize(sr, (small, small), interpolation=cv2.INTER_AREA)
        sr = sr[..., None] if sr.ndim == 2 else sr
        mask = cv2.resize(mask, (small, small), interpolation=cv2.INTER_AREA)
        side = small
    to_sr = scaled(canvas_to_crop, after=side / template_side)  # canvas -> SR pixels
    # the canvas region the crop covers
    corners = np.array([[0, 0], [side, 0], [0, side], [side, side]], np.float64)
    back = invert_affine(to_sr)
    pts = corners @ back[:, :2].T + back[:, 2]
    x0, y0 = (max(0, int(math.floor(v))) for v in pts.min(0))
    x1 = min(canvas.shape[1], int(math.ceil(pts[:, 0].max())))
    y1 = min(canvas.shape[0], int(math.ceil(pts[:, 1].max())))
    if x1 <= x0 or y1 <= y0:
        return (x0, y0, x0, y0)
    roi_to_sr = to_sr.copy()
    roi_to_sr[:, 2] += to_sr[:, :2] @ np.array([x0, y0], np.float64)
    if colour:
        ref = warp(canvas, back, (side, side))  # the enlarged photo in the SR frame
        sr = match_colour(sr, np.clip(ref, 0, 1), mask)
    size = (y1 - y0, x1 - x0)
    face = warp(np.ascontiguousarray(sr, np.float32), roi_to_sr, size, border=cv2.BORDER_REPLICATE)
    weight = warp(np.ascontiguousarray(mask, np.float32), roi_to_sr, size,
                  interpolation=cv2.INTER_LINEAR, border=cv2.BORDER_CONSTANT)
    weight = np.clip(weight, 0, 1)[..., None] if weight.ndim == 2 else np.clip(weight, 0, 1)
    roi = canvas[y0:y1, x0:x1]
    roi[:] = roi * (1 - weight) + np.clip(face, 0, 1) * weight
    if weights is not None:
        np.maximum(weights[y0:y1, x0:x1], weight[..., 0], out=weights[y0:y1, x0:x1])
    return (x0, y0, x1, y1)


def _downscale_matrices(canvas_shape, photo_shape):
    """The (h, H) and (w, W) matrices of MATLAB bicubic from the canvas to the photo."""
    (height, width), (h, w) = canvas_shape[:2], photo_shape[:2]
    _, scales = output_shape((height, width), size=(h, w))
    return (resize_matrix(height, h, scales[0]).astype(np.float64),
            resize_matrix(width, w, scales[1]).astype(np.float64))


def downscale_to_photo(canvas, photo_shape):
    """``canvas`` (H, W, C) brought to the photo's (h, w) with MATLAB bicubic (float64)."""
    rows, cols = _downscale_matrices(canvas.shape, photo_shape)
    return np.einsum('iy,yxc,jx->ijc', rows, np.asarray(canvas, np.float64), cols, optimize=True)


def project_to_photo(canvas, photo, regularisation=0.01):
    """The smallest change to ``canvas`` after which, brought to the photo's size with
    MATLAB bicubic (D), it reproduces ``photo``: x0 + D^T (D D^T + lambda I)^-1 (y - D x0).

    The photo-frame counterpart of the ``LRConsistencyRefiner``: the photo's own pixels fix
    the band they determine (colour, light, layout: a smile, the teeth, the eyes' colour),
    the drawn face keeps its detail above it. D is separable (rows ``A``, columns ``B``), so
    D D^T = (A A^T) (x) (B B^T) is inverted exactly through the eigenvectors of each factor.
    ``regularisation`` lambda > 0 corrects less where D sees little (the band near the
    photo's Nyquist frequency, where its quantisation noise would be amplified).

    Args:
        canvas (np.ndarray): (H, W, C) float, the photo enlarged, faces pasted.
        photo (np.ndarray): (h, w, C) the photo, uint8 or float in [0, 1].

    Returns:
        np.ndarray: (H, W, C) float32, not clipped.
    """
    rows, cols = _downscale_matrices(canvas.shape, photo.shape)
    x0 = np.asarray(canvas, np.float64)
    residual = as_float(photo).astype(np.float64) - np.einsum('iy,yxc,jx->ijc', rows, x0, cols, optimize=True)
    ea, ua = np.linalg.eigh(rows @ rows.T)
    eb, ub = np.linalg.eigh(cols @ cols.T)
    coef = np.einsum('ia,ijc,jb->abc', ua, residual, ub, optimize=True)
    coef /= (np.clip(ea, 0, None)[:, None] * np.clip(eb, 0, None)[None, :] + regularisation)[..., None]
    dual = np.einsum('ia,abc,jb->ijc', ua, coef, ub, optimize=True)
    return (x0 + np.einsum('iy,ijc,jx->yxc', rows, dual, cols, optimize=True)).astype(np.float32)
