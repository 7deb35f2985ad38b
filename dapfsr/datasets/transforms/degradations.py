"""Optional degradations of the LR face: Gaussian blur, Gaussian noise, JPEG.

Each draws its parameter per sample (see :mod:`.seeding`), applies with
probability ``prob`` and records what it did in ``results['degradation']``
(e.g. ``{'blur_sigma': 1.2, 'jpeg_quality': 70}``).
"""
import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from dapfsr.registry import TRANSFORMS
from .processing import _keep_channel_axis, _pair
from .seeding import sample_rng


def _to_unit_float(img):
    """uint8 / float [0, 1] array -> float32 in [0, 1]."""
    return img.astype(np.float32) / 255.0 if img.dtype == np.uint8 else img.astype(np.float32)


def _like(x, img):
    """float [0, 1] -> the dtype of ``img`` (uint8 rounded)."""
    x = np.clip(x, 0.0, 1.0)
    return (x * 255.0 + 0.5).astype(np.uint8) if img.dtype == np.uint8 else x.astype(img.dtype)


class _RandomDegradation(BaseTransform):
    """Shared parts: the key, the probability, the seed and the record."""

    name = ''

    def __init__(self, key='lr', prob=1.0, seed=None):
        if not 0.0 <= prob <= 1.0:
            raise ValueError(f'{type(self).__name__} prob must be in [0, 1], got {prob}')
        self.key, self.prob, self.seed = key, prob, seed

    def transform(self, results):
        rng = sample_rng(results, self.seed, type(self).__name__)
        if rng.random() < self.prob:
            img = results[self.key]
            value = self.draw(rng)
            results[self.key] = _keep_channel_axis(self.apply(img, value, rng), img)
            results.setdefault('degradation', {})[self.name] = value
        return results

    def draw(self, rng):
        """The degradation's parameter for one sample."""
        raise NotImplementedError

    def apply(self, img, value, rng):
        """The degraded image, same shape and dtype as ``img``."""
        raise NotImplementedError


@TRANSFORMS.register_module()
class RandomBlur(_RandomDegradation):
    """Gaussian blur with sigma ~ U(sigma); kernel side 2 * ceil(3 sigma) + 1, mirrored borders.

    Args:
        key (str): Image to blur. ``'gt'`` before the affine to blur ahead of
            downsampling, ``'lr'`` to blur the LR face.
        sigma (float | tuple): Sigma range in pixels of that image.
        prob (float): Probability of blurring a sample.
        seed (int | None): Per-sample seeding.
    """

    name = 'blur_sigma'

    def __init__(self, key='lr', sigma=(0.2, 1.0), prob=1.0, seed=None):
        super().__init__(key, prob, seed)
        self.sigma = _pair(sigma, 'sigma')

    def draw(self, rng):
        return float(rng.uniform(*self.sigma))

    def apply(self, img, sigma, rng):
        side = 2 * int(np.ceil(3 * sigma)) + 1
        return cv2.GaussianBlur(img, (side, side), sigma, borderType=cv2.BORDER_REFLECT_101)


@TRANSFORMS.register_module()
class RandomNoise(_RandomDegradation):
    """Additive white Gaussian noise with std ~ U(sigma) on the [0, 1] scale.

    Args:
        key (str): Image to degrade.
        sigma (float | tuple): Std range on [0, 1] (TDAE used 0.1).
        prob (float): Probability of adding noise to a sample.
        seed (int | None): Per-sample seeding.
    """

    name = 'noise_sigma'

    def __init__(self, key='lr', sigma=(0.0, 0.05), prob=1.0, seed=None):
        super().__init__(key, prob, seed)
        self.sigma = _pair(sigma, 'sigma')

    def draw(self, rng):
        return float(rng.uniform(*self.sigma))

    def apply(self, img, sigma, rng):
        return _like(_to_unit_float(img) + rng.normal(0.0, sigma, img.shape).astype(np.float32), img)


@TRANSFORMS.register_module()
class RandomJPEG(_RandomDegradation):
    """JPEG compression with an integer quality ~ U{quality} (OpenCV's encoder).

    Args:
        key (str): Image to compress.
        quality (tuple): (min, max) JPEG quality, 1-100.
        prob (float): Probability of compressing a sample.
        seed (int | None): Per-sample seeding.
    """

    name = 'jpeg_quality'

    def __init__(self, key='lr', quality=(30, 95), prob=1.0, seed=None):
        super().__init__(key, prob, seed)
        self.quality = tuple(int(q) for q in quality)
        if not 1 <= self.quality[0] <= self.quality[1] <= 100:
            raise ValueError(f'RandomJPEG quality must be 1 <= min <= max <= 100, got {quality}')

    def draw(self, rng):
        return int(rng.integers(self.quality[0], self.quality[1] + 1))

    def apply(self, img, quality, rng):
        as_uint8 = _like(_to_unit_float(img), np.zeros(0, np.uint8))
        rgb = as_uint8.ndim == 3 and as_uint8.shape[2] == 3
        bgr = cv2.cvtColor(as_uint8, cv2.COLOR_RGB2BGR) if rgb else as_uint8
        ok, buf = cv2.imencode('.jpg', bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:
            raise RuntimeError('OpenCV failed to JPEG-encode an image')
        out = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
        out = cv2.cvtColor(out, cv2.COLOR_BGR2RGB) if rgb else out
        return out if img.dtype == np.uint8 else out.astype(img.dtype) / 255.0
