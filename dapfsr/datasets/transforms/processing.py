"""Geometry of the HR/LR pair: crop, MATLAB bicubic resize, the random affine of sec. 5.2."""
import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from dapfsr.registry import TRANSFORMS
from dapfsr.utils.matlab_resize import matlab_imresize
from .formatting import image_to_tensor
from .loading import read_image
from .seeding import sample_rng


def _keep_channel_axis(out, like):
    """OpenCV drops a single channel axis; put it back."""
    return out[..., None] if like.ndim == 3 and out.ndim == 2 else out


def crop_to_box(img, box, source):
    """``img`` (H, W[, C]) cut to ``box`` = (top, left, height, width); a box beyond the image
    is a ValueError naming ``source`` (its file)."""
    top, left, height, width = (int(v) for v in box)
    if top < 0 or left < 0 or top + height > img.shape[0] or left + width > img.shape[1]:
        raise ValueError(f'crop box {tuple(box)} (top, left, height, width) falls outside '
                         f'the {img.shape[:2]} image {source}')
    return img[top:top + height, left:left + width]


def read_face_tensor(path, crop_box=None, size=None):
    """An image file as a model-range face (3, H, W) in [-1, 1], outside a pipeline (a
    guide face, a grid's exemplar): gray replicated to RGB, cut to ``crop_box`` (top, left,
    height, width) when given, stretched to ``size`` x ``size`` by MATLAB bicubic (as
    ``CropAndResize``) when given."""
    img = read_image(path)
    if crop_box is not None:
        img = crop_to_box(img, crop_box, path)
    if size is not None:
        img = matlab_imresize(img, size=(size, size))
    return image_to_tensor(img).expand(3, -1, -1) * 2 - 1


def _pair(value, name):
    """A scalar or a 2-sequence as a float pair."""
    pair = (float(value), ) * 2 if np.isscalar(value) else tuple(float(v) for v in value)
    if len(pair) != 2:
        raise ValueError(f'{name} must be a number or a pair, got {value!r}')
    return pair


@TRANSFORMS.register_module()
class CropAndResize(BaseTransform):
    """Crop an aligned face and resize it to the HR size (MATLAB bicubic).

    Args:
        keys (Sequence[str]): Images to process.
        crop_box (Sequence[int] | None): (top, left, height, width), 0-based.
            None uses the sample's own ``crop_box`` (set by datasets whose
            release has a standard face box, e.g. CelebA's MTDN box) or, when it
            has none, the whole image.
        size (int | tuple): Output (h, w); 128 in the paper. A non-square box is
            stretched to it, as MTDN stretches CelebA's 133 x 107 box.
    """

    def __init__(self, keys=('gt', ), crop_box=None, size=128):
        self.keys = [keys] if isinstance(keys, str) else list(keys)
        if crop_box is not None and len(crop_box) != 4:
            raise ValueError(f'crop_box must be (top, left, height, width), got {crop_box!r}')
        self.crop_box = crop_box
        self.size = (size, size) if np.isscalar(size) else tuple(size)

    def transform(self, results):
        box = self.crop_box if self.crop_box is not None else results.get('crop_box')
        for key in self.keys:
            img = results[key]
            if box is not None:
                img = crop_to_box(img, box, results.get('img_path', key))
            if img.shape[:2] != self.size:
                img = matlab_imresize(img, size=self.size)
            results[key] = img
        return results

    def __repr__(self):
        return f'{type(self).__name__}(keys={self.keys}, crop_box={self.crop_box}, size={self.size})'


@TRANSFORMS.register_module()
class MatlabResize(BaseTransform):
    """Resize images with MATLAB's antialiased bicubic ``imresize``.

    The paper's degradation: the (affine-jittered) HR face at 128 px is
    downsampled to 16 px by ``MatlabResize(keys='lr', size=16)``.

    Args:
        keys (Sequence[str]): Images to resize.
        scale (float | tuple, optional): Scale factor(s).
        size (int | tuple, optional): Output (h, w); exactly one of the two.
        antialias (bool): MATLAB's antialiasing when downscaling.
    """

    def __init__(self, keys=('lr', ), scale=None, size=None, antialias=True):
        if (scale is None) == (size is None):
            raise ValueError('MatlabResize needs exactly one of scale and size')
        self.keys = [keys] if isinstance(keys, str) else list(keys)
        self.scale, self.size, self.antialias = scale, size, antialias

    def transform(self, results):
        for key in self.keys:
            results[key] = matlab_imresize(results[key], self.scale, self.size, self.antialias)
        return results

    def __repr__(self):
        return (f'{type(self).__name__}(keys={self.keys}, scale={self.scale}, size={self.size}, '
                f'antialias={self.antialias})')


@TRANSFORMS.register_module()
class RandomFaceAffine(BaseTransform):
    """The random affine of sec. 5.2: an unaligned copy of the HR face for the LR input.

    The warp rotates by theta and scales by s about the image centre c, then
    shifts by t = (tx, ty) (x right, y down, in pixels of the warped image):
    ``p' = s R(theta) (p - c) + c + t``; a positive theta turns the face
    counter-clockwise on screen. Each value is drawn uniformly from its range.

    Presets (ranges in pixels of a 128 px HR face):
        ``'moderate'`` (default): theta in +-10 deg, tx, ty in +-4 px, s in
            [0.9, 1.1]; on CelebA -> Extended Yale B, bicubic upsampling of such LR
            faces scores near the paper's bicubic row (docs/baselines.md#unaligned-lr-protocol).
        ``'mtdn'``: MTDN's data script: theta in +-45 deg, shifts of +-8 px
            horizontally and +-9 px vertically in its 107 x 133 crop, i.e.
            +-9.6 and +-8.7 px at 128 px, no scaling.
        ``'tdae'``: as ``'mtdn'`` plus s in [0.8, 1.0].
        ``'none'``: the identity (theta = 0, t = 0, s = 1): the LR face is the
            plain downsampled HR face, e.g. to evaluate without the jitter.

    Args:
        src_key (str): Image to warp (the HR face).
        dst_key (str): Where the warped copy goes (``'lr'``, downsampled next).
        preset (str): One of the presets above; ``rotation``, ``translation``
            and ``scale`` override its values.
        rotation (float | tuple, optional): Max |theta| in degrees, or (min, max).
        translation (float | tuple, optional): Max |t| in pixels, or
            (max |tx|, max |ty|).
        scale (tuple, optional): (min, max) of s.
        border_mode (str): ``'reflect'`` (mirror, no seams) or ``'constant'`` (black).
        seed (int | None): Per-sample seeding, see :mod:`.seeding`.

    Adds ``results['affine'] = dict(rotation=deg, translation=(tx, ty), scale=s)``.
    """

    PRESETS = dict(
        moderate=dict(rotation=10.0, translation=4.0, scale=(0.9, 1.1)),
        mtdn=dict(rotation=45.0, translation=(9.6, 8.7), scale=(1.0, 1.0)),
        tdae=dict(rotation=45.0, translation=(9.6, 8.7), scale=(0.8, 1.0)),
        none=dict(rotation=0.0, translation=0.0, scale=(1.0, 1.0)),
    )
    BORDERS = dict(reflect=cv2.BORDER_REFLECT_101, constant=cv2.BORDER_CONSTANT)

    def __init__(self, src_key='gt', dst_key='lr', preset='moderate', rotation=None,
                 translation=None, scale=None, border_mode='reflect', seed=None):
        if preset not in self.PRESETS:
            raise ValueError(f'unknown RandomFaceAffine preset {preset!r}; one of {sorted(self.PRESETS)}')
        if border_mode not in self.BORDERS:
            raise ValueError(f'border_mode must be one of {sorted(self.BORDERS)}, got {border_mode!r}')
        ranges = dict(self.PRESETS[preset])
        ranges.update({k: v for k, v in dict(rotation=rotation, translation=translation,
                                             scale=scale).items() if v is not None})
        rot = _pair(ranges['rotation'], 'rotation')
        self.rotation_range = (-abs(rot[0]), abs(rot[0])) if np.isscalar(ranges['rotation']) else rot
        self.translation_max = tuple(abs(v) for v in _pair(ranges['translation'], 'translation'))
        self.scale_range = _pair(ranges['scale'], 'scale')
        if self.rotation_range[0] > self.rotation_range[1] or not 0 < self.scale_range[0] <= self.scale_range[1]:
            raise ValueError(f'bad RandomFaceAffine ranges: rotation {self.rotation_range}, '
                             f'scale {self.scale_range}')
        self.src_key, self.dst_key = src_key, dst_key
        self.border_mode, self.seed = border_mode, seed

    def sample_parameters(self, rng):
        """Draw (rotation deg, (tx, ty) px, scale) from ``rng``."""
        rotation = rng.uniform(*self.rotation_range)
        tx, ty = (rng.uniform(-m, m) for m in self.translation_max)
        scale = rng.uniform(*self.scale_range)
        return float(rotation), (float(tx), float(ty)), float(scale)

    @staticmethod
    def matrix(height, width, rotation, translation, scale):
        """The 2 x 3 forward map p -> s R(theta) (p - c) + c + t, c the pixel-grid centre."""
        centre = ((width - 1) / 2.0, (height - 1) / 2.0)
        mat = cv2.getRotationMatrix2D(centre, rotation, scale)
        mat[:, 2] += translation
        return mat

    def transform(self, results):
        img = results[self.src_key]
        rotation, translation, scale = self.sample_parameters(sample_rng(results, self.seed, 'RandomFaceAffine'))
        mat = self.matrix(img.shape[0], img.shape[1], rotation, translation, scale)
        out = cv2.warpAffine(img, mat, (img.shape[1], img.shape[0]), flags=cv2.INTER_CUBIC,
                             borderMode=self.BORDERS[self.border_mode])
        if np.issubdtype(out.dtype, np.floating):
            out = np.clip(out, 0, 1)  # bicubic overshoot
        results[self.dst_key] = _keep_channel_axis(out, img)
        results['affine'] = dict(rotation=rotation, translation=translation, scale=scale)
        return results

    def __repr__(self):
        return (f'{type(self).__name__}(rotation={self.rotation_range}, translation=+-{self.translation_max}, '
                f'scale={self.scale_range}, border_mode={self.border_mode!r}, seed={self.seed})')


@TRANSFORMS.register_module()
class RandomHorizontalFlip(BaseTransform):
    """Mirror images left-right with probability ``prob`` (StyleGAN's x-flip).

    CelebA-HQ's numbering is not random in head pose, so without flips a model
    learns the pose bias of its training range. Put it before the random affine
    so the LR face is made from the flipped HR face.

    Args:
        keys (Sequence[str]): Images flipped together (all or none).
        prob (float): Probability of a flip.
        seed (int | None): Per-sample seeding, see :mod:`.seeding`.

    Adds ``results['flipped']`` (bool).
    """

    def __init__(self, keys=('gt', ), prob=0.5, seed=None):
        if not 0 <= prob <= 1:
            raise ValueError(f'RandomHorizontalFlip prob must be in [0, 1], got {prob!r}')
        self.keys = [keys] if isinstance(keys, str) else list(keys)
        self.prob, self.seed = prob, seed

    def transform(self, results):
        flip = bool(sample_rng(results, self.seed, 'RandomHorizontalFlip').random() < self.prob)
        if flip:
            for key in self.keys:
                results[key] = np.ascontiguousarray(results[key][:, ::-1])
        results['flipped'] = flip
        return results

    def __repr__(self):
        return f'{type(self).__name__}(keys={self.keys}, prob={self.prob}, seed={self.seed})'
