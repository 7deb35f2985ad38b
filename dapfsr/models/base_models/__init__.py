from .average_model import HalfLifeEMA  # first: the StyleGAN2 GAN that base_face_sr_model imports uses it
from .base_face_sr_model import BaseFaceSRModel

__all__ = ['BaseFaceSRModel', 'HalfLifeEMA']
