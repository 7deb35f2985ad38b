"""LR faces for generated HR faces, made by the data pipeline's own transforms."""
import numpy as np
import torch
from mmcv.transforms import Compose

from dapfsr.datasets.transforms import image_to_tensor
from dapfsr.registry import TRANSFORMS


class PipelineDegradation:
    """Degrade HR batches with the registered transforms of a config's pipeline.

    The transforms are those that turn a loaded HR face into its LR input in
    the data (e.g. ``RandomFaceAffine`` + ``MatlabResize``), so generated pairs
    match real ones exactly: each face goes through them as a uint8 (H, W, C)
    array under ``results['gt']``, like a decoded image file, and the LR is
    read from ``results['lr']``.

    Each face gets ``sample_idx`` = a running count, so transforms with an
    integer ``seed`` draw a new but reproducible affine for every generated
    face; with ``seed=None`` they draw from numpy's global state (seeded by
    :func:`mmengine.runner.set_random_seed`).

    Args:
        pipeline (list[dict | callable]): The transforms, in order.
    """

    def __init__(self, pipeline):
        if not pipeline:
            raise ValueError('the degradation pipeline is empty: give the transforms that make '
                             'an LR face from results["gt"] (e.g. RandomFaceAffine, MatlabResize)')
        self.transforms = Compose([TRANSFORMS.build(t) if isinstance(t, dict) else t for t in pipeline])
        self.num_degraded = 0

    def reset(self):
        """Restart the running sample count (for reproducible runs)."""
        self.num_degraded = 0

    @torch.no_grad()
    def __call__(self, hr):
        """(N, C, H, W) HR in [-1, 1] -> (N, C, h, w) LR in [-1, 1], on ``hr``'s device."""
        images = ((hr.detach().float().cpu().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
        lrs = []
        for img in images.permute(0, 2, 3, 1).numpy():
            results = self.transforms(dict(gt=np.ascontiguousarray(img), sample_idx=self.num_degraded,
                                           img_path='<generated>'))
            self.num_degraded += 1
            if results is None or 'lr' not in results:
                raise KeyError(f'the degradation pipeline {self.transforms} gave no "lr" image')
            lrs.append(image_to_tensor(results['lr']))
        return (torch.stack(lrs) * 2 - 1).to(hr.device)
