"""One folder per algorithm: the model and the networks that are its own (shared pieces: ``archs/``)."""
from .bicubic import BicubicUpsampler
from .cpgan import CPGAN, CPGANDiscriminator, CPGANGenerator
from .dapfsr import DAPFSR, AdaptiveLatentEncoding, DAPEncoder, EfficientNetLite0Backbone, ISTN, ResNetBackbone
from .mtdn import MTDN, MTDNDiscriminator, MTDNGenerator, SimilaritySTN
from .pulse import PULSE
from .rain import RAIN
from .stylegan2 import StyleGAN2, StyleGAN2Discriminator, StyleGANDecoder

__all__ = ['BicubicUpsampler', 'CPGAN', 'CPGANDiscriminator', 'CPGANGenerator', 'DAPFSR', 'AdaptiveLatentEncoding',
           'DAPEncoder', 'EfficientNetLite0Backbone', 'ISTN', 'ResNetBackbone', 'MTDN', 'MTDNDiscriminator',
           'MTDNGenerator', 'SimilaritySTN', 'PULSE', 'RAIN', 'StyleGAN2', 'StyleGAN2Discriminator', 'StyleGANDecoder']
