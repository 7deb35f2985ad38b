"""Network architectures that several model parts build on.

The encoder backbones and the perceptual extractors both use EfficientNet-Lite0
and the ImageNet normalisation, so these live beside both instead of inside one.
"""
from .efficientnet_lite import EfficientNetLite0
from .imagenet import IMAGENET_MEAN, IMAGENET_STD, imagenet_normalize
from .statistics import feature_statistics
from . import adain  # noqa: F401  (registers AdaINDecoder: RAIN's and the AdaIN style-transfer augmenter's)

__all__ = ['EfficientNetLite0', 'IMAGENET_MEAN', 'IMAGENET_STD', 'imagenet_normalize', 'feature_statistics']
