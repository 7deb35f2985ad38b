"""Adaptive Latent Encoding (ALE, sec. 4.1 and Fig. 2d)."""
import math

import torch.nn as nn
from mmengine.model import BaseModule

from dapfsr.registry import MODELS


@MODELS.register_module()
class AdaptiveLatentEncoding(BaseModule):
    """One latent w_i from the multi-scale context by channel-wise attention.

    Each W+ layer controls its own level of detail, so each ALE learns which
    context channels (which pyramid level, which feature) to weigh: a
    squeeze-excite style attention a = sigmoid(MLP(avgpool(X))) rescales the
    context X, then stride-2 convolutions reduce the map to a vector mapped to w_i.

    Args:
        in_channels (int): Context channels C.
        in_size (int): Context height/width S (sets the number of stride-2 convs).
        out_channels (int): Latent dimension D.
        hidden_channels (int): Width of the reduction convolutions.
        reduction (int): Bottleneck ratio of the attention MLP.

    Shapes: context (N, C, S, S) -> ``forward`` w_i (N, D), ``attention`` (N, C) in (0, 1).
    """

    def __init__(self, in_channels, in_size, out_channels, hidden_channels=256, reduction=16,
                 init_cfg=None):
        super().__init__(init_cfg)
        squeezed = max(in_channels // reduction, 4)
        self.attention_mlp = nn.Sequential(
            nn.Linear(in_channels, squeezed), nn.ReLU(),
            nn.Linear(squeezed, in_channels), nn.Sigmoid())
        layers = [nn.Conv2d(in_channels, hidden_channels, 1), nn.LeakyReLU(0.2)]
        for _ in range(math.ceil(math.log2(in_size))):
            layers += [nn.Conv2d(hidden_channels, hidden_channels, 3, stride=2, padding=1),
                       nn.LeakyReLU(0.2)]
        self.reduce = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.to_latent = nn.Linear(hidden_channels, out_channels)

    def attention(self, context):
        return self.attention_mlp(context.mean((2, 3)))

    def forward(self, context):
        attended = context * self.attention(context)[:, :, None, None]
        return self.to_latent(self.reduce(attended))
