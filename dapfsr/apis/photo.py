"""Super-resolve the faces of whole photos: detect, align, super-resolve, warp back, blend.

The model takes faces cropped and aligned like its training faces (CelebA-HQ's crops,
:mod:`dapfsr.apis.face_alignment`). For each face of a photo:

1. :class:`~dapfsr.models.detectors.MTCNN` finds its box and five landmarks (eyes, nose
   tip, mouth corners);
2. :func:`~dapfsr.apis.face_alignment.alignment_matrix` fits the similarity that puts
   them on the template;
3. :func:`~dapfsr.apis.face_alignment.crop_lr_face` warps the photo to that crop and
   brings it to the model's LR size with MATLAB bicubic, the kernel of the training LR faces;
4. the model draws the SR face (:func:`dapfsr.apis.super_resolve`);
5. :func:`~dapfsr.apis.paste_back.paste_face` warps it back into the photo, enlarged
   ``scale`` times with bicubic, through a feathered oval mask, its colour matched (Lab
   means, chroma spread) to the bicubic face it replaces;
6. :func:`~dapfsr.apis.paste_back.project_to_photo` makes the result consistent with the
   photo: under the mask, the smallest change after which the output, shrunk back to the
   photo with MATLAB bicubic, reproduces the photo's pixels. The photo fixes colour, light
   and layout (her smile, teeth, eye colour), the model adds the detail above the photo's
   band; without it the model's average CelebA-HQ face replaced hers (no smile, blue-grey
   eyes, purple lips) and scored below bicubic.

:func:`demo_photo` is the demo input (``tools/misc/demo_photo.py`` writes it).
"""
from dataclasses import dataclass, field

import cv2
import numpy as np

from dapfsr.models.detectors import MTCNN, Face
from dapfsr.utils.colour import BT601_LUMA
from dapfsr.utils.fileio import as_uint8
from .face_alignment import TEMPLATE_SIDE, affine_scale, alignment_matrix, as_float, crop_lr_face
from .paste_back import paste_face, project_to_photo

# crop or photo, by the side of an input against the model's LR side (tools/infer.py, the web
# page): up to CROP_MAX_FACTOR x it a face crop, larger than PHOTO_MIN_FACTOR x it a photo
# whether a face is found or not; in between a photo when a face is found
CROP_MAX_FACTOR = 2
PHOTO_MIN_FACTOR = 8


@dataclass
class PhotoFace:
    """One face of a photo: what was found (``face``), the photo -> crop map (``matrix``,
    2 x 3, onto the ``TEMPLATE_SIDE`` px crop), the LR crop the model took and its SR
    face ((h, w, C) uint8 each)."""
    face: Face
    matrix: np.ndarray
    lr: np.ndarray
    sr: np.ndarray


@dataclass
class PhotoResult:
    """``image``: the photo enlarged ``scale`` times with its ``faces`` (:class:`PhotoFace`)
    super-resolved, or the input itself (unchanged, ``scale`` 1) when no face was found or
    none was small enough; ``kept``: the faces found but left as they are (:class:`Face`);
    ``message`` says what was done."""
    image: np.ndarray
    faces: list = field(default_factory=list)
    kept: list = field(default_factory=list)
    scale: float = 1.0
    message: str = ''


def to_channels(img, gray):
    """(H, W[, C]) -> (H, W, 1) gray (BT.601 luma) when ``gray``, else (H, W, 3)."""
    img = np.asarray(img)
    img = img[..., None] if img.ndim == 2 else img[..., :3]
    if gray and img.shape[2] == 3:
        luma = img.astype(np.float32) @ np.array(BT601_LUMA, np.float32)
        img = (luma.round().clip(0, 255).astype(np.uint8) if img.dtype == np.uint8
               else luma.astype(img.dtype))[..., None]
    elif not gray and img.shape[2] == 1:
        img = np.repeat(img, 3, axis=2)
    return img


def is_gray(img):
    """One channel, or three equal ones."""
    img = np.asarray(img)
    return img.ndim == 2 or img.shape[2] == 1 or (
        np.array_equal(img[..., 0], img[..., 1]) and np.array_equal(img[..., 1], img[..., 2]))


def super_resolve_photo(model, img, detector=None, scale=None, batch_size=16, gray=None,
                        colour=True, large_faces=False, consistent=True, regularisation=0.01):
    """Find the faces of a photo, super-resolve each and put them back.

    Args:
        model: A model built by :func:`dapfsr.apis.init_model`.
        img (np.ndarray): (H, W[, C]) uint8 photo (RGB or gray), e.g. from ``read_image``.
        detector (MTCNN, optional): The face detector; a default :class:`MTCNN`.
        scale (float, optional): How much the output photo is enlarged. By default the
            smallest replaced face gets the SR face at the resolution the model drew it
            (its crop side becomes the model's HR side), within [1, HR / LR].
        batch_size (int): Faces per forward pass.
        gray (bool, optional): Gray output (:func:`dapfsr.apis.super_resolve`); None:
            the config's ``gray_output``. A gray photo (one channel or three equal
            ones) gives a gray result either way.
        colour (bool): Match each SR face's colour to the face it replaces.
        large_faces (bool): Also replace faces whose crop in the photo is at least the
            model's HR side: they hold more detail than the model draws, and are left
            as they are by default (listed in ``kept`` and the message).
        consistent (bool): Make the replaced faces consistent with the photo: under
            their masks the output is :func:`project_to_photo`'s, the smallest change
            after which the output, brought back to the photo's size with MATLAB
            bicubic, reproduces the photo (its colours, light and layout: the smile,
            teeth and eyes the model would redraw as an average face's). False pastes
            the model's faces as drawn (colour matched only).
        regularisation (float): :func:`project_to_photo`'s lambda.

    Returns:
        PhotoResult: The photo, its replaced faces, ``kept`` (the faces left as they
        are) and a one-line ``message``.
    """
    from .inference import gray_output_of, lr_size_of, super_resolve

    img = np.asarray(img)
    if img.dtype != np.uint8:
        img = as_uint8(img)
    detector = detector if detector is not None else MTCNN()
    faces = detector.detect(img)
    if not faces:
        return PhotoResult(image=img, scale=1.0, message=(
            f'no face found (MTCNN, faces of {detector.min_face_size:g} px and larger): '
            'the photo is written unchanged'))
    lr_size = lr_size_of(model)
    gray = (gray_output_of(model) if gray is None else gray) or is_gray(img)
    work = to_channels(img, gray)
    matrices = [alignment_matrix(face.landmarks) for face in faces]
    lrs = [crop_lr_face(work, m, lr_size) for m in matrices]
    srs = super_resolve(model, [as_uint8(lr) for lr in lrs], batch_size, gray=gray)
    hr_size = srs[0].shape[0]
    sides = [TEMPLATE_SIDE / affine_scale(m) for m in matrices]
    done = [PhotoFace(face=f, matrix=m, lr=as_uint8(lr), sr=sr)
            for f, m, lr, sr, side in zip(faces, matrices, lrs, srs, sides)
            if large_faces or side < hr_size]
    kept = [f for f, side in zip(faces, sides) if not (large_faces or side < hr_size)]
    left = (f'; {len(kept)} face{"s" if len(kept) > 1 else ""} '
            f'({", ".join(f"{f.size:.0f}" for f in kept)} px) left as '
            f'{"they are" if len(kept) > 1 else "it is"}: at least the model\'s {hr_size} px '
            'output already' if kept else '')
    if not done:
        return PhotoResult(image=img, scale=1.0, kept=kept, message=(
            f'no face small enough to super-resolve{left}: the photo is written unchanged'))
    if scale is None:
        scale = min(hr_size / lr_size, max(1.0, hr_size / min(
            TEMPLATE_SIDE / affine_scale(pf.matrix) for pf in done)))
    scale = float(scale)
    height, width = work.shape[:2]
    canvas = as_float(cv2.resize(work, (int(round(width * scale)), int(round(height * scale))),
                                 interpolation=cv2.INTER_CUBIC))
    bicubic, weights = canvas.copy(), np.zeros(canvas.shape[:2], np.float32)
    for pf in done:
        paste_face(canvas, as_float(pf.sr), pf.matrix, scale, colour=colour, weights=weights)
    if consistent:
        weights = weights[..., None]
        canvas = bicubic * (1 - weights) + project_to_photo(canvas, work, regularisation) * weights
    out = as_uint8(canvas)
    sizes = ', '.join(f'{pf.face.size:.0f}' for pf in done)
    return PhotoResult(
        image=out, scale=scale, faces=done, kept=kept,
        message=f'{len(done)} face{"s" if len(done) > 1 else ""} ({sizes} px '
                f'box{"es" if len(done) > 1 else ""}) super-resolved{left}, {width}x{height} -> {out.shape[1]}x{out.shape[0]}')


def demo_photo(face_size=20):
    """scikit-image's astronaut photo (Eileen Collins, NASA), shrunk so that her face box
    is about ``face_size`` px across: (H, W, 3) uint8. At 512 px the box is 87 px."""
    from skimage import data
    img = data.astronaut()
    side = int(round(img.shape[0] * face_size / 87.0))
    return cv2.resize(img, (side, side), interpolation=cv2.INTER_AREA)
