from .ale import AdaptiveLatentEncoding
from .backbones import EfficientNetLite0Backbone, ResNetBackbone
from .dap_encoder import DAPEncoder
from .efficientnet_lite import EfficientNetLite0, shipped_efficientnet_lite0_weights
from .istn import ISTN
from .pretrained import load_pretrained_weights

__all__ = ['AdaptiveLatentEncoding', 'DAPEncoder', 'EfficientNetLite0', 'EfficientNetLite0Backbone',
           'ISTN', 'ResNetBackbone', 'load_pretrained_weights', 'shipped_efficientnet_lite0_weights']
