from .base import BaseAugmenter
from .latent_mixing import HardLatentMixing, LatentMixing, SoftLatentMixing, mix_latents
from .style_mining import AdversarialStyleMining
from .style_transfer import AdaINStyleTransfer, ColorStatisticsTransfer, adaptive_instance_norm

__all__ = ['BaseAugmenter', 'LatentMixing', 'SoftLatentMixing', 'HardLatentMixing', 'mix_latents',
           'AdversarialStyleMining', 'AdaINStyleTransfer', 'ColorStatisticsTransfer', 'adaptive_instance_norm']
