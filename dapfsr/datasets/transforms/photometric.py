"""Photometric changes of HR faces: random jitter (gray, harsh directional light, gamma, contrast,
colour casts), Lambertian shading of a face-shaped surface, and a synthetic near-infrared sensor
(a development target domain).

Style faces for a style network (RAIN) are source faces jittered so that the learnt style
distribution covers target looks the source lacks, e.g. Extended Yale B's gray frames lit
from one side with the far half of the face in shadow.
"""
import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from dapfsr.registry import TRANSFORMS
from dapfsr.utils.colour import BT601_LUMA
from .degradations import _like, _RandomDegradation, _to_unit_float
from .processing import _pair
from .seeding import sample_rng

LUMA = np.array(BT601_LUMA, np.float32)  # as LoadFaceImage's gray


@TRANSFORMS.register_module()
class RandomPhotometricJitter(BaseTransform):
    """Per sample, in this order (x in [0, 1]):

    1. gray with probability ``gray_prob``: every channel = BT.601 luma (the channel count stays);
    2. a directional light ramp with probability ``ramp_prob``: x <- x (1 - s r), r in [0, 1]
       rising linearly across the image along a uniform random direction, s ~ U(``ramp_strength``)
       (s = 0.9: the far side keeps a tenth of its light);
    3. gamma: x <- x^g, log g ~ U(log ``gamma``) (g > 1 darkens the mid-tones);
    4. contrast: x <- m + c (x - m), m the image mean, c ~ U(``contrast``); then clipped to [0, 1];
    5. a colour cast when ``color_cast`` is given: each channel times its own gain ~ U(``color_cast``)
       (a camera's white balance; on a gray face a tint), clipped to [0, 1].

    Args:
        key (str): Image to jitter (the HR face ``'gt'``).
        gray_prob, ramp_prob (float): Probabilities of steps 1 and 2.
        ramp_strength, gamma, contrast (tuple): (min, max) of s, g, c.
        color_cast (tuple, optional): (min, max) of the channel gains; None: no cast (and no
            draw, so the other draws stay those of a jitter without it).
        seed (int | None): Per-sample seeding, see :mod:`.seeding`.

    Adds ``results['photometric'] = dict(gray=bool, ramp=(angle deg, s) or None, gamma=g,
    contrast=c, cast=gains or None)``.
    """

    def __init__(self, key='gt', gray_prob=0.5, ramp_prob=0.5, ramp_strength=(0.3, 0.95),
                 gamma=(0.6, 2.5), contrast=(0.6, 1.5), color_cast=None, seed=None):
        for name, prob in (('gray_prob', gray_prob), ('ramp_prob', ramp_prob)):
            if not 0 <= prob <= 1:
                raise ValueError(f'RandomPhotometricJitter {name} must be in [0, 1], got {prob!r}')
        self.ramp_strength, self.gamma, self.contrast = (
            _pair(v, n) for v, n in ((ramp_strength, 'ramp_strength'), (gamma, 'gamma'), (contrast, 'contrast')))
        if not (0 <= self.ramp_strength[0] <= self.ramp_strength[1] <= 1 and 0 < self.gamma[0] <= self.gamma[1]
                and 0 <= self.contrast[0] <= self.contrast[1]):
            raise ValueError(f'bad RandomPhotometricJitter ranges: ramp_strength {self.ramp_strength} '
                             f'(within [0, 1]), gamma {self.gamma} (> 0), contrast {self.contrast} (>= 0)')
        self.color_cast = None if color_cast is None else _pair(color_cast, 'color_cast')
        if self.color_cast is not None and not 0 <= self.color_cast[0] <= self.color_cast[1]:
            raise ValueError(f'bad RandomPhotometricJitter color_cast {self.color_cast}: gains >= 0')
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
        cast = None
        if self.color_cast is not None:
            cast = rng.uniform(*self.color_cast, size=x.shape[2]).astype(np.float32)
            x = np.clip(x, 0, 1) * cast
            cast = tuple(float(g) for g in cast)
        results[self.key] = _like(x, img)
        results['photometric'] = dict(gray=gray, ramp=ramp, gamma=gamma, contrast=contrast, cast=cast)
        return results

    def __repr__(self):
        return (f'{type(self).__name__}(key={self.key!r}, gray_prob={self.gray_prob}, ramp_prob={self.ramp_prob}, '
                f'ramp_strength={self.ramp_strength}, gamma={self.gamma}, contrast={self.contrast}, '
                f'color_cast={self.color_cast}, seed={self.seed})')


@TRANSFORMS.register_module()
class RandomFaceShading(_RandomDegradation):
    """Light from one direction on a face-shaped surface, with probability ``prob``.

    The face is taken as a half ellipsoid filling the frame's middle (semi-axes ``radii`` of
    the width and height): at p = ((x - c_x) / r_x, (y - c_y) / r_y), |p| < 1, the normal is
    n = (p_x, p_y, sqrt(1 - |p|^2)), outside it the rim's. With the light l (azimuth a from
    the front towards +x, elevation e upwards) and ambient b::

        x <- x (b + (1 - b) max(0, n . l))

    so a frontal light keeps the face's centre and darkens its rim, a side light leaves the
    far half in the ambient light only (attached shadows; no cast ones), as in the
    illumination sets of lab face databases, without being any one database's list.

    Args:
        key (str): Image to shade (the HR face ``'gt'``, before the random affine).
        azimuth, elevation (float): Largest |a|, |e| in degrees (uniform).
        ambient (tuple): (min, max) of b.
        radii (tuple): r_x, r_y as fractions of the width and height.
        prob, seed: See :class:`RandomBlur`.

    Records ``results['degradation']['shading'] = (a deg, e deg, b)``.
    """

    name = 'shading'

    def __init__(self, key='gt', azimuth=90.0, elevation=40.0, ambient=(0.05, 0.6),
                 radii=(0.42, 0.55), prob=1.0, seed=None):
        super().__init__(key, prob, seed)
        self.ambient = _pair(ambient, 'ambient')
        if not 0 <= self.ambient[0] <= self.ambient[1] <= 1:
            raise ValueError(f'bad RandomFaceShading ambient {self.ambient}: within [0, 1]')
        self.azimuth, self.elevation, self.radii = float(azimuth), float(elevation), tuple(radii)

    def normals(self, height, width):
        """The surface normals (H, W, 3) of the half ellipsoid."""
        y, x = np.mgrid[0:height, 0:width].astype(np.float32)
        px = (x - (width - 1) / 2) / (self.radii[0] * width)
        py = (y - (height - 1) / 2) / (self.radii[1] * height)
        radius = np.maximum(np.sqrt(px ** 2 + py ** 2), 1)  # outside: the rim's normal
        px, py = px / radius, py / radius
        return np.stack([px, py, np.sqrt(np.clip(1 - px ** 2 - py ** 2, 0, 1))], axis=2)

    def draw(self, rng):
        return (float(rng.uniform(-self.azimuth, self.azimuth)),
                float(rng.uniform(-self.elevation, self.elevation)), float(rng.uniform(*self.ambient)))

    def apply(self, img, value, rng):
        azimuth, elevation, ambient = value
        a, e = np.radians(azimuth), np.radians(elevation)
        light = np.array([np.sin(a) * np.cos(e), -np.sin(e), np.cos(a) * np.cos(e)], np.float32)
        x = _to_unit_float(img)
        x = x.reshape(*x.shape[:2], -1)
        lambert = np.clip(self.normals(*x.shape[:2]) @ light, 0, None)[..., None]
        return _like(x * (ambient + (1 - ambient) * lambert), img)

    def __repr__(self):
        return (f'{type(self).__name__}(key={self.key!r}, azimuth={self.azimuth}, elevation={self.elevation}, '
                f'ambient={self.ambient}, radii={self.radii}, prob={self.prob}, seed={self.seed})')


@TRANSFORMS.register_module()
class SyntheticNIRSensor(BaseTransform):
    """A synthetic near-infrared camera (a development target domain, beyond the paper).

    In this order, on x in [0, 1]: a gray response weighted to red, y = w . RGB (skin reflects
    near-infrared strongly, lips and cheeks lose their colour contrast); the brighter skin of
    NIR, y <- y^``gamma`` (< 1); the falloff of an on-axis active illuminator,
    y <- y (1 - ``falloff`` r^2), r the distance from the centre over the half diagonal; the
    softer optics, a Gaussian blur of ``blur_sigma`` px; sensor noise of std ``noise_sigma``.
    The channel count stays (gray replicated). Deterministic per sample (``seed``).

    Args:
        key (str): Image to make (the HR face, before the random affine).
        channel_weights (tuple): Weights of R, G, B.
        gamma, falloff, blur_sigma, noise_sigma (float): As above.
        seed (int | None): Per-sample seeding of the noise, see :mod:`.seeding`.
    """

    def __init__(self, key='gt', channel_weights=(0.6, 0.3, 0.1), gamma=0.7, falloff=0.35, blur_sigma=0.8,
                 noise_sigma=0.02, seed=0):
        self.key, self.channel_weights = key, np.asarray(channel_weights, np.float32)
        self.gamma, self.falloff, self.blur_sigma, self.noise_sigma, self.seed = (
            gamma, falloff, blur_sigma, noise_sigma, seed)

    def transform(self, results):
        img = results[self.key]
        x = _to_unit_float(img)
        y = x @ self.channel_weights[:, None] if x.shape[2] == 3 else x[..., :1]
        y = np.clip(y, 0, 1) ** self.gamma
        h, w = y.shape[:2]
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        r2 = ((xx - (w - 1) / 2) ** 2 + (yy - (h - 1) / 2) ** 2) / (((w - 1) / 2) ** 2 + ((h - 1) / 2) ** 2)
        y = y * (1 - self.falloff * r2)[..., None]
        if self.blur_sigma > 0:
            side = 2 * int(np.ceil(3 * self.blur_sigma)) + 1
            y = cv2.GaussianBlur(y, (side, side), self.blur_sigma, borderType=cv2.BORDER_REFLECT_101)[..., None]
        rng = sample_rng(results, self.seed, type(self).__name__)
        y = y + rng.normal(0.0, self.noise_sigma, y.shape).astype(np.float32)
        results[self.key] = _like(np.repeat(np.clip(y, 0, 1), x.shape[2], axis=2), img)
        return results

    def __repr__(self):
        return (f'{type(self).__name__}(key={self.key!r}, channel_weights={tuple(self.channel_weights)}, '
                f'gamma={self.gamma}, falloff={self.falloff}, blur_sigma={self.blur_sigma}, '
                f'noise_sigma={self.noise_sigma}, seed={self.seed})')
