from .ale import AdaptiveLatentEncoding
from .backbones import EfficientNetLite0Backbone, ResNetBackbone
from .dap_encoder import DAPEncoder
from .istn import ISTN

__all__ = ['AdaptiveLatentEncoding', 'DAPEncoder', 'EfficientNetLite0Backbone', 'ISTN',
           'ResNetBackbone']
