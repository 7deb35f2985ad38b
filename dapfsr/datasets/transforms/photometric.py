"""Random photometric jitter of HR faces: gray, harsh directional light, gamma, contrast.

Style faces for a style network (RAIN) are source faces jittered so that the learnt style
distribution covers target looks the source lacks, e.g. Extended Yale B's gray frames lit
from one side with the far half of the face in shadow.
"""
import numpy as np
from mmcv.transforms import BaseTransform

from dapfsr.registry import TRANSFORMS
from .degradations import _like, _to_unit_float
from .processing import _pair
from .seeding import sample_rng

LUMA = np.array([0.299, 0.587, 0.114], np.float32)  # ITU-R BT.601, as LoadFaceImage's gray


@TRANSFORMS.register_module()
class RandomPhotometricJitter(BaseTransform):
    """Per sample, in this order (x in [0, 1]):

    1. gray with probability ``gray_prob``: every channel = BT.601 luma (the channel count stays);
    2. a directional light ramp with probability ``ramp_prob``: x <- x (1 - s r), r in [0, 1]
       rising linearly across the image along a uniform random direction, s ~ U(``ramp_strength``)
       (s = 0.9: the far side keeps a tenth of its light);
    3. gamma: x <- x^g, log g ~ U(log ``gamma``) (g > 1 darkens the mid-tones);
    4. contrast: x <- m + c (x - m), m the image mean, c ~ U(``contrast``); then clipped to [0, 1].

    Args:
        key (str): Image to jitter (the HR face ``'gt'``).
        gray_prob, ramp_prob (float): Probabilities of steps 1 and 2.
        ramp_strength, gamma, contrast (tuple): (min, max) of s, g, c.
        seed (int | None): Per-sample seeding, see :mod:`.seeding`.

    Adds ``results['photometric'] = dict(gray=bool, ramp=(angle deg, s) or None, gamma=g,
    contrast=c)``.
    """

    def __init__(self, key='gt', gray_prob=0.5, ramp_prob=0.5, ramp_strength=(0.3, 0.95),
                 gamma=(0.6, 2.5), contrast=(0.6, 1.5), seed=None):
        for name, prob in (('gray_prob', gray_prob), ('ramp_prob', ramp_prob)):
            if not 0 <= prob <= 1:
                raise ValueError(f'RandomPhotometricJitter {name} must be in [0, 1], got {prob!r}')
        self.ramp_strength, self.gamma, self.contrast = (
            _pair(v, n) for v, n in ((ramp_strength, 'ramp_strength'), (gamma, 'gamma'), (contrast, 'contrast')))
        if not (0 <= self.ramp_strength[0] <= self.ramp_strength[1] <= 1 and 0 < self.gamma[0] <= self.gamma[1]
                and 0 <= self.contrast[0] <= self.contrast[1]):
            raise ValueError(f'bad RandomPhotometricJitter ranges: ramp_strength {self.ramp_strength} '
                             f'(within [0, 1]), gamma {self.gamma} (> 0), contrast {self.contrast} (>= 0)')
        self.key, self.gray_prob, self.ramp_prob, self.seed = key, gray_prob, ramp_prob, seed

    @staticmethod
    def light_ramp(height, width, angle):
        """r (H, W, 1) in [0, 1]: 0 at the lit edge, 1 at the far one, along ``angle`` (radians;
        0 = light from the left)."""
        y, x = np.mgrid[0:height, 0:width].astype(np.float32)
        u = np.cos(angle) * x + np.sin(angle) * y
        return ((u - u.min()) / max(u.max() - u.min(), 1e-6))[..., None]

    def transform(self, results):
        rng = sample_rng(results, self.seed, type(self).__name__)
        img = results[self.key]
        x = _to_unit_float(img)
        gray = bool(rng.random() < self.gray_prob)
        if gray and x.shape[2] == 3:
            x = np.repeat(x @ LUMA[:, None], 3, axis=2)
        ramp = None
        if rng.random() < self.ramp_prob:
            angle, strength = rng.uniform(0, 2 * np.pi), rng.uniform(*self.ramp_strength)
            x = x * (1 - strength * self.light_ramp(*x.shape[:2], angle))
            ramp = (float(np.degrees(angle)), float(strength))
        gamma = float(np.exp(rng.uniform(*np.log(self.gamma))))
        contrast = float(rng.uniform(*self.contrast))
        x = np.clip(x, 0, 1) ** gamma
        x = x.mean() + contrast * (x - x.mean())
        results[self.key] = _like(x, img)
        results['photometric'] = dict(gray=gray, ramp=ramp, gamma=gamma, contrast=contrast)
        return results

    def __repr__(self):
        return (f'{type(self).__name__}(key={self.key!r}, gray_prob={self.gray_prob}, ramp_prob={self.ramp_prob}, '
                f'ramp_strength={self.ramp_strength}, gamma={self.gamma}, contrast={self.contrast}, '
                f'seed={self.seed})')
