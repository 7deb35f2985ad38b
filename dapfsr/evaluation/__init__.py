"""Evaluation: per-image face SR metrics (PSNR, SSIM, LPIPS, FIQ, IDSim) as mmengine metrics."""
from .functional import psnr, rgb_to_gray, rgb_to_y, ssim
from .metrics import (FIQ, IDSim, LPIPS, PSNR, SSIM, BaseFaceSRMetric, FaceNetEmbedder, FaceQnet,
                      faceqnet_from_keras_h5, load_faceqnet)

__all__ = ['psnr', 'ssim', 'rgb_to_gray', 'rgb_to_y', 'BaseFaceSRMetric', 'PSNR', 'SSIM', 'LPIPS',
           'FIQ', 'IDSim', 'FaceQnet', 'faceqnet_from_keras_h5', 'load_faceqnet', 'FaceNetEmbedder']
