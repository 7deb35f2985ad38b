"""Packing a face into the model's inputs and a :class:`FaceSRDataSample`."""
import numpy as np
import torch
from mmcv.transforms import BaseTransform

from dapfsr.registry import TRANSFORMS
from dapfsr.structures import FaceSRDataSample


def image_to_tensor(img):
    """(H, W, C) uint8 or float array -> (C, H, W) float32 tensor in [0, 1].

    Float images are clamped: bicubic resizing overshoots [0, 1] at edges.
    """
    img = np.asarray(img)
    if img.ndim == 2:
        img = img[..., None]
    scale = 255.0 if img.dtype == np.uint8 else 65535.0 if img.dtype == np.uint16 else 1.0
    return torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1))).float().div_(scale).clamp_(0, 1)


@TRANSFORMS.register_module()
class PackFaceInputs(BaseTransform):
    """Pack ``gt``/``lr`` into ``dict(inputs=..., data_samples=FaceSRDataSample)``.

    ``inputs`` is the LR face (C, h, w). An HR-only pipeline (no ``lr``, as for
    training the StyleGAN decoder) puts the HR face (C, H, W) in ``inputs``; an
    LR-only one (real tiny faces) has no ``gt_img``. Images become float32
    tensors in [0, 1].

    Args:
        meta_keys (Sequence[str]): Result keys copied into the sample's
            metainfo when present.
    """

    DEFAULT_META_KEYS = ('img_path', 'img_key', 'sample_idx', 'domain', 'subject', 'condition',
                         'ori_shape', 'affine', 'degradation', 'gt_landmarks', 'gt_landmarks_detected')

    def __init__(self, meta_keys=DEFAULT_META_KEYS):
        self.meta_keys = tuple(meta_keys)

    def transform(self, results):
        if 'gt' not in results and 'lr' not in results:
            raise KeyError(f'PackFaceInputs found no "gt" or "lr" image for '
                           f'{results.get("img_path", "a sample")}; load one first')
        sample = FaceSRDataSample()
        if 'gt' in results:
            sample.gt_img = image_to_tensor(results['gt'])
        if 'lr' in results:
            sample.lr_img = image_to_tensor(results['lr'])
        sample.set_metainfo({k: results[k] for k in self.meta_keys if k in results})
        inputs = sample.lr_img if 'lr' in results else sample.gt_img
        return dict(inputs=inputs, data_samples=sample)

    def __repr__(self):
        return f'{type(self).__name__}(meta_keys={self.meta_keys})'
