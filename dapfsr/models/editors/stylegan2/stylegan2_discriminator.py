"""StyleGAN2's residual discriminator, used to train the decoder (sec. 4.3)."""
import math

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from dapfsr.registry import MODELS
from .stylegan2_modules import ConvLayer, EqualLinear, ResBlock
from .stylegan_decoder import stylegan2_channels


@MODELS.register_module()
class StyleGAN2Discriminator(BaseModule):
    """Residual StyleGAN2 discriminator: (N, C, S, S) images -> (N, 1) logits.

    from_rgb 1x1 conv, one residual x2-down block per resolution to 4x4,
    minibatch standard deviation, 3x3 conv and two equalized-lr linear layers.

    Args:
        in_size (int): Image side S, a power of two >= 8.
        channel_multiplier (int), channels (dict, optional): Widths per
            resolution, as for :class:`StyleGANDecoder`.
        blur_kernel (tuple): FIR taps for down-sampling.
        in_channels (int): Image channels.
        mbstd_group_size (int): Samples per minibatch-stddev group (the
            largest divisor of the batch not above it is used).
        mbstd_channels (int): Feature groups of the stddev statistic.
    """

    def __init__(self, in_size, channel_multiplier=2, channels=None, blur_kernel=(1, 3, 3, 1),
                 in_channels=3, mbstd_group_size=4, mbstd_channels=1, init_cfg=None):
        super().__init__(init_cfg)
        log_size = math.log2(in_size) if isinstance(in_size, int) and in_size > 0 else -1
        if log_size != int(log_size) or not 3 <= log_size <= 10:
            raise ValueError(f'in_size must be a power of two in [8, 1024], got {in_size!r}')
        ch = stylegan2_channels(in_size, channel_multiplier, channels)
        self.in_size = in_size
        blocks = [ConvLayer(in_channels, ch[in_size], 1)]
        blocks += [ResBlock(ch[res], ch[res // 2], blur_kernel) for res in sorted(ch)[:0:-1]]
        self.convs = nn.Sequential(*blocks)
        self.mbstd_group_size = mbstd_group_size
        self.mbstd_channels = mbstd_channels
        self.final_conv = ConvLayer(ch[4] + mbstd_channels, ch[4], 3)
        self.final_linear = nn.Sequential(EqualLinear(ch[4] * 16, ch[4], activation=True),
                                          EqualLinear(ch[4], 1))

    def minibatch_stddev(self, x):
        """Append the mean std over sample groups as feature maps: C -> C + mbstd_channels."""
        n, c, h, w = x.shape
        group = max(g for g in range(1, min(n, self.mbstd_group_size) + 1) if n % g == 0)
        y = x.reshape(group, -1, self.mbstd_channels, c // self.mbstd_channels, h, w)
        y = torch.sqrt(y.var(0, unbiased=False) + 1e-8).mean([2, 3, 4])  # (n/group, F)
        y = y[:, :, None, None].repeat(group, 1, h, w)
        return torch.cat([x, y], 1)

    def forward(self, x):
        if x.shape[-1] != self.in_size or x.shape[-2] != self.in_size:
            raise ValueError(f'discriminator built for {self.in_size} px, got {tuple(x.shape)}')
        out = self.final_conv(self.minibatch_stddev(self.convs(x)))
        return self.final_linear(out.flatten(1))
