from .affine_error import AffineError
from .base_face_metric import BaseFaceSRMetric
from .faceqnet import FaceQnet, faceqnet_from_keras_h5, load_faceqnet
from .fiq import FIQ
from .identity import FaceNetEmbedder, IDSim
from .latent_spread import LatentSpread
from .lpips_metric import LPIPS
from .psnr_ssim import PSNR, SSIM

__all__ = ['AffineError', 'BaseFaceSRMetric', 'FaceQnet', 'faceqnet_from_keras_h5', 'load_faceqnet', 'FIQ',
           'FaceNetEmbedder', 'IDSim', 'LatentSpread', 'LPIPS', 'PSNR', 'SSIM']
