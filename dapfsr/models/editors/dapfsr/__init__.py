from .ale import AdaptiveLatentEncoding
from .backbones import EfficientNetLite0Backbone, ResNetBackbone
from .dap_encoder import DAPEncoder
from .dapfsr import DAPFSR
from .istn import ISTN

__all__ = ['DAPFSR', 'AdaptiveLatentEncoding', 'DAPEncoder', 'EfficientNetLite0Backbone', 'ISTN', 'ResNetBackbone']
