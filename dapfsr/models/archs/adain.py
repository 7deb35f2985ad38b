"""AdaIN (Huang and Belongie, ICCV 2017): the VGG-19 encoder to relu4_1, the mirrored decoder
and the statistics swap; shared by the AdaIN augmenter (Table 3) and RAIN (ASM's style net).

The layouts follow pytorch-AdaIN's ``vgg`` and ``decoder`` Sequentials index for index, so
their state dicts (``vgg_normalised.pth``, ``decoder.pth``, RAIN's ``decoder_iter_160000.pth``)
load as they are.
"""
import torch.nn as nn

from dapfsr.registry import MODELS
from .statistics import feature_statistics

# VGG-19 "normalised" encoder up to relu4_1: a 1x1 conv that does the Caffe preprocessing of
# [0, 1] RGB, then 3x3 convs with reflection padding (out channels). 'M' = 2x2 max pool (ceil).
ADAIN_ENCODER_LAYOUT = (64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512)
# Its mirror (docs/baselines.md#adain-decoder): (in, out) 3x3 convs, 'U' = nearest x2.
ADAIN_DECODER_LAYOUT = ((512, 256), 'U', (256, 256), (256, 256), (256, 256), (256, 128), 'U',
                        (128, 128), (128, 64), 'U', (64, 64), (64, 3))


def adain_encoder():
    """VGG-19 relu1_1..relu4_1 (31 modules): (N, 3, H, W) in [0, 1] -> (N, 512, H/8, W/8)."""
    layers, channels = [nn.Conv2d(3, 3, 1)], 3
    for entry in ADAIN_ENCODER_LAYOUT:
        if entry == 'M':
            layers.append(nn.MaxPool2d(2, 2, ceil_mode=True))
        else:
            layers += [nn.ReflectionPad2d(1), nn.Conv2d(channels, entry, 3), nn.ReLU()]
            channels = entry
    return nn.Sequential(*layers)


@MODELS.register_module()
class AdaINDecoder(nn.Sequential):
    """The AdaIN decoder: (N, C_in, h, w) -> (N, C_out, 2^u h, 2^u w), u = the 'U' entries.

    Reflection-pad 3x3 convs with a ReLU after all but the last (no output activation: the
    image comes out in the range it is trained to), nearest x2 upsampling at each 'U'.
    Child indices are pytorch-AdaIN's for the default layout (state-dict keys ``1.weight``,
    ``5.weight``, ...).

    Args:
        layout (Sequence): (in, out) channel pairs of the convs and 'U' marks, input first.
    """

    def __init__(self, layout=ADAIN_DECODER_LAYOUT):
        convs = [entry for entry in layout if entry != 'U']
        if not convs or any(len(c) != 2 for c in convs) or any(
                a[1] != b[0] for a, b in zip(convs, convs[1:])):
            raise ValueError(f'AdaINDecoder layout needs chained (in, out) conv pairs and "U" marks, '
                             f'got {layout!r}')
        layers = []
        for entry in layout:
            if entry == 'U':
                layers.append(nn.Upsample(scale_factor=2, mode='nearest'))
            else:
                layers += [nn.ReflectionPad2d(1), nn.Conv2d(*entry, 3), nn.ReLU()]
        super().__init__(*layers[:-1])
        self.in_channels, self.out_channels = convs[0][0], convs[-1][1]
        self.scale = 2 ** sum(entry == 'U' for entry in layout)


def adaptive_instance_norm(content, style_mean, style_std, unbiased=False):
    """AdaIN(x, y) = sigma(y) (x - mu(x)) / sigma(x) + mu(y); (N, C, H, W), stats (N, C).

    ``unbiased``: sigma(x) from the unbiased variance (RAIN's code) instead of the population one.
    """
    mean, std = feature_statistics(content, unbiased=unbiased)
    scale = (style_std / std)[..., None, None]
    return scale * (content - mean[..., None, None]) + style_mean[..., None, None]
