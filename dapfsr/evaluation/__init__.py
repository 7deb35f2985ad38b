"""Evaluation: per-image face SR metrics (PSNR, SSIM, LPIPS, FIQ, IDSim) as mmengine metrics."""
from .functional import psnr, rgb_to_gray, rgb_to_y, ssim
from .metrics import *  # noqa: F401,F403  (registers the metrics)
from .metrics import __all__ as _metrics_all

__all__ = ['psnr', 'ssim', 'rgb_to_gray', 'rgb_to_y', *_metrics_all]
