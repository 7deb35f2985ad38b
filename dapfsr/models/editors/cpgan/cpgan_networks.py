"""CPGAN's generator and discriminator (Zhang et al., CVPR 2020; docs/baselines.md#cpgan).

Facts from the authors' public code (SEU-yang/CPGAN-CVPR2020): layer sizes, the
switchable normalisation, the two Copy-and-Paste blocks, the FAN-hourglass landmark
branch, the SRGAN-style discriminator and the N(0, 0.02) initialisation. The widths
and the upscale factor are arguments, so the paper profile (16 -> 128) and the small
one (16 -> 64) are the same code.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from dapfsr.registry import MODELS
from dapfsr.models.archs import feature_statistics


def init_normal_(module, std=0.02):
    """CPGAN's initialisation: conv weights and biases ~ N(0, std); BatchNorm scales
    ~ N(1, std), shifts ~ N(0, std). Switchable norms keep (1, 0), as in the source."""
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.normal_(m.weight, 0.0, std)
            if m.bias is not None:
                nn.init.normal_(m.bias, 0.0, std)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, std)
            nn.init.normal_(m.bias, 0.0, std)
    return module


class SwitchNorm2d(nn.Module):
    """Switchable normalisation (Luo et al., ICLR 2019), CPGAN's norm layer: (N, C, H, W) -> same.

    Means and variances of instance (per sample and channel), layer (per sample) and
    batch (per channel) statistics, mixed by softmax weights learnt per layer:
    ``y = gamma (x - sum_k w_k mu_k) / sqrt(sum_k v_k var_k + eps) + beta``. Batch
    statistics in training, running averages ``r <- 0.9 r + 0.1 b`` in eval (the
    source's momentum). Running variances start at 1 (the source starts them at 0,
    which only matters before the first training steps).
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.9):
        super().__init__()
        self.eps, self.momentum = eps, momentum
        self.weight = nn.Parameter(torch.ones(1, num_features, 1, 1))
        self.bias = nn.Parameter(torch.zeros(1, num_features, 1, 1))
        self.mean_weight = nn.Parameter(torch.ones(3))
        self.var_weight = nn.Parameter(torch.ones(3))
        self.register_buffer('running_mean', torch.zeros(1, num_features, 1))
        self.register_buffer('running_var', torch.ones(1, num_features, 1))

    def forward(self, x):
        n, c, h, w = x.shape
        x = x.reshape(n, c, -1)
        mean_in, var_in = x.mean(-1, keepdim=True), x.var(-1, keepdim=True)
        second_moment = var_in + mean_in.square()
        mean_ln = mean_in.mean(1, keepdim=True)
        var_ln = second_moment.mean(1, keepdim=True) - mean_ln.square()
        if self.training:
            mean_bn = mean_in.mean(0, keepdim=True)
            var_bn = second_moment.mean(0, keepdim=True) - mean_bn.square()
            with torch.no_grad():
                self.running_mean.lerp_(mean_bn, 1 - self.momentum)
                self.running_var.lerp_(var_bn, 1 - self.momentum)
        else:
            mean_bn, var_bn = self.running_mean, self.running_var
        mw, vw = self.mean_weight.softmax(0), self.var_weight.softmax(0)
        mean = mw[0] * mean_in + mw[1] * mean_ln + mw[2] * mean_bn
        var = vw[0] * var_in + vw[1] * var_ln + vw[2] * var_bn
        x = (x - mean) / (var + self.eps).sqrt()
        return x.reshape(n, c, h, w) * self.weight + self.bias


def conv_norm_relu(in_channels, out_channels, kernel_size):
    """conv (same padding) -> SwitchNorm -> ReLU, the generator's basic layer."""
    return nn.Sequential(nn.Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2),
                         SwitchNorm2d(out_channels), nn.ReLU())


class ResidualBlock(nn.Module):
    """x + SN(conv3(ReLU(SN(conv3(x))))): (N, C, H, W) -> same."""

    def __init__(self, channels):
        super().__init__()
        self.body = nn.Sequential(conv_norm_relu(channels, channels, 3),
                                  nn.Conv2d(channels, channels, 3, padding=1), SwitchNorm2d(channels))

    def forward(self, x):
        return x + self.body(x)


class ChannelAttention(nn.Module):
    """RCAN's channel attention as CPGAN uses it: x + x * sigmoid(W2 ReLU(W1 avgpool(x)))."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        self.gate = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(channels, channels // reduction, 1),
                                  nn.ReLU(), nn.Conv2d(channels // reduction, channels, 1), nn.Sigmoid())

    def forward(self, x):
        return x + x * self.gate(x)


class SelfAttention(nn.Module):
    """SAGAN self-attention (Zhang et al., ICML 2019): (N, C, H, W) -> same.

    ``x + gamma * v(x) A^T`` with ``A = softmax_j(q(x_i) . k(x_j))`` over the HW
    positions; q, k: 1x1 convs C -> C / 8, v: C -> C. ``gamma`` starts at 0, so the
    block is the identity at initialisation.
    """

    def __init__(self, channels):
        super().__init__()
        self.query = nn.Conv2d(channels, channels // 8, 1)
        self.key = nn.Conv2d(channels, channels // 8, 1)
        self.value = nn.Conv2d(channels, channels, 1)
        self.gamma = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        n, c, h, w = x.shape
        attention = torch.bmm(self.query(x).flatten(2).transpose(1, 2), self.key(x).flatten(2)).softmax(-1)
        out = torch.bmm(self.value(x).flatten(2), attention.transpose(1, 2))
        return x + self.gamma * out.reshape(n, c, h, w)


def normalize_per_channel(x, eps=1e-5):
    """(x - mean) / sqrt(var + eps) over each map's positions (unbiased var, as the source)."""
    mean, std = feature_statistics(x, eps, unbiased=True)
    return (x - mean[..., None, None]) / std[..., None, None]


class CrossAttention(nn.Module):
    """SANet style attention (Park and Lee, CVPR 2019): CPGAN's external copy of the guide.

    content (N, C, H, W), guide (N or 1, C, H', W') -> (N, C, H, W):
    ``content + out(h(guide) A^T)``, ``A = softmax_j(f(norm(content_i)) . g(norm(guide_j)))``
    over the guide's positions j (norm: :func:`normalize_per_channel`); f, g, h, out
    are 1x1 convs C -> C. One guide broadcasts over the batch.
    """

    def __init__(self, channels):
        super().__init__()
        self.f, self.g, self.h, self.out = (nn.Conv2d(channels, channels, 1) for _ in range(4))

    def attention(self, content, guide):
        """(N, HW, H'W') weights of the guide's positions for each content position."""
        query = self.f(normalize_per_channel(content)).flatten(2).transpose(1, 2)
        return torch.matmul(query, self.g(normalize_per_channel(guide)).flatten(2)).softmax(-1)

    def forward(self, content, guide):
        pasted = torch.matmul(self.h(guide).flatten(2), self.attention(content, guide).transpose(1, 2))
        return content + self.out(pasted.reshape(content.shape))


class InternalCPNet(nn.Module):
    """Internal Copy-and-Paste block: 2 ResBlocks, channel attention, self-attention."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        self.body = nn.Sequential(ResidualBlock(channels), ResidualBlock(channels),
                                  ChannelAttention(channels, reduction), SelfAttention(channels))

    def forward(self, x):
        return self.body(x)


class ExternalCPNet(nn.Module):
    """External Copy-and-Paste block: the same 2 ResBlocks on both streams, then the
    content copies from the guide (:class:`CrossAttention`). Returns (content, guide)."""

    def __init__(self, channels):
        super().__init__()
        self.blocks = nn.Sequential(ResidualBlock(channels), ResidualBlock(channels))
        self.cross_attention = CrossAttention(channels)

    def forward(self, content, guide):
        guide = self.blocks(guide)
        return self.cross_attention(self.blocks(content), guide), guide


class HourglassBlock(nn.Module):
    """FAN's residual block (Bulat and Tzimiropoulos, ICCV 2017): three pre-activation
    (BN ReLU) 3x3 convs to C/2, C/4, C/4 channels, concatenated, plus the input (a
    BN ReLU 1x1 conv where the widths differ): (N, C_in, H, W) -> (N, C_out, H, W)."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        widths = (in_channels, out_channels // 2, out_channels // 4, out_channels // 4)
        self.convs = nn.ModuleList(
            nn.Sequential(nn.BatchNorm2d(a), nn.ReLU(), nn.Conv2d(a, b, 3, padding=1, bias=False))
            for a, b in zip(widths[:3], widths[1:]))
        self.skip = nn.Identity() if in_channels == out_channels else nn.Sequential(
            nn.BatchNorm2d(in_channels), nn.ReLU(), nn.Conv2d(in_channels, out_channels, 1, bias=False))

    def forward(self, x):
        outs, y = [], x
        for conv in self.convs:
            y = conv(y)
            outs.append(y)
        return torch.cat(outs, 1) + self.skip(x)


class Hourglass(nn.Module):
    """FAN's hourglass of ``depth`` levels: up = block(x); low = block(avgpool2(x)), the
    next level (or a block at the bottom), block; x2 nearest-up; up + low. Sides must
    divide by 2 ** depth."""

    def __init__(self, channels, depth):
        super().__init__()
        self.upper, self.lower_in, self.lower_out = (HourglassBlock(channels, channels) for _ in range(3))
        self.inner = Hourglass(channels, depth - 1) if depth > 1 else HourglassBlock(channels, channels)

    def forward(self, x):
        low = self.lower_out(self.inner(self.lower_in(F.avg_pool2d(x, 2))))
        return self.upper(x) + F.interpolate(low, scale_factor=2, mode='nearest')


class LandmarkBranch(nn.Module):
    """CPGAN's landmark branch (one FAN hourglass stack): features (N, C, H, W) -> heatmaps
    (N, num_landmarks, H, W), e.g. 68 maps at 64 px in the paper profile.

    block C -> C, BN ReLU, block C -> F, hourglass(F, depth), block F -> F, 1x1 conv, BN
    ReLU, 1x1 conv to the heatmaps.
    """

    def __init__(self, in_channels, channels=256, depth=4, num_landmarks=68):
        super().__init__()
        self.depth = depth
        self.body = nn.Sequential(
            HourglassBlock(in_channels, in_channels), nn.BatchNorm2d(in_channels), nn.ReLU(),
            HourglassBlock(in_channels, channels), Hourglass(channels, depth),
            HourglassBlock(channels, channels), nn.Conv2d(channels, channels, 1), nn.BatchNorm2d(channels),
            nn.ReLU(), nn.Conv2d(channels, num_landmarks, 1))

    def forward(self, x):
        if x.shape[-1] % 2 ** self.depth or x.shape[-2] % 2 ** self.depth:
            raise ValueError(f'the landmark hourglass of depth {self.depth} needs sides divisible by '
                             f'{2 ** self.depth}, got {tuple(x.shape[-2:])}')
        return self.body(x)


@MODELS.register_module()
class CPGANGenerator(nn.Module):
    """CPGAN's generator: LR face + LR guide face -> SR face, heatmaps (and the guide's).

    Both streams share every layer (docs/baselines.md#cpgan-generator). With S = 2 ** k
    = ``upscale_factor`` and h the LR side::

        conv5 3 -> C, SN, ReLU                                  both streams, h
        InternalCPNet(C)                                        the face only
        conv3 C -> M, SN, ReLU                                  both
        k - 1 times: ExternalCPNet(M), upsample x2              h -> h S / 2
        landmark branch -> 68 heatmaps; concat; conv3 M + 68 -> M, SN, ReLU   at h S / 2
        ExternalCPNet(M), upsample x2                           -> h S
        ResBlock(M), conv5 M -> T, SN, ReLU, conv3 T -> 3, tanh

    One ExternalCPNet and one upsampling module (conv3 M -> 4M, SN, PixelShuffle(2),
    ReLU) serve every scale, as in the source. The paper profile (S = 8, C = 256,
    M = 128, T = 32) puts the landmark branch at 64 px; with S = 4 it sits at 32 px,
    the same place relative to the output (half its side).

    Args:
        upscale_factor (int): S, a power of two >= 2.
        channels (int): C, the widths of the input layer and InternalCPNet (256).
        mid_channels (int): M, the widths of the upsampling path (128).
        landmark_channels (int): Hourglass width (256).
        hourglass_depth (int): Hourglass levels (4); the branch's side must divide by 2 ** depth.
        num_landmarks (int): Heatmaps (68).
        tail_channels (int): T (32).
        attention_reduction (int): Channel attention's reduction (16).
        in_channels (int): Image channels.
    """

    def __init__(self, upscale_factor=8, channels=256, mid_channels=128, landmark_channels=256,
                 hourglass_depth=4, num_landmarks=68, tail_channels=32, attention_reduction=16,
                 in_channels=3):
        super().__init__()
        stages = math.log2(upscale_factor) if isinstance(upscale_factor, int) else 0
        if stages < 1 or stages != int(stages):
            raise ValueError(f'upscale_factor must be a power of two >= 2, got {upscale_factor!r}')
        self.upscale_factor, self.num_landmarks = upscale_factor, num_landmarks
        self.num_stages = int(stages)
        self.head = conv_norm_relu(in_channels, channels, 5)
        self.internal = InternalCPNet(channels, attention_reduction)
        self.shrink = conv_norm_relu(channels, mid_channels, 3)
        self.external = ExternalCPNet(mid_channels)
        self.upsample = nn.Sequential(nn.Conv2d(mid_channels, 4 * mid_channels, 3, padding=1),
                                      SwitchNorm2d(4 * mid_channels), nn.PixelShuffle(2), nn.ReLU())
        self.landmarks = LandmarkBranch(mid_channels, landmark_channels, hourglass_depth, num_landmarks)
        self.fuse = conv_norm_relu(mid_channels + num_landmarks, mid_channels, 3)
        self.tail = nn.Sequential(ResidualBlock(mid_channels), conv_norm_relu(mid_channels, tail_channels, 5),
                                  nn.Conv2d(tail_channels, in_channels, 3, padding=1), nn.Tanh())
        init_normal_(self)

    def forward(self, lr, guide_lr, guide_output=True):
        """LR faces (N, 3, h, w) and LR guides (N or 1, 3, h, w), all in [-1, 1] -> dict:
        ``sr`` (N, 3, Sh, Sw), ``heatmaps`` (N, 68, Sh/2, Sw/2) and, with
        ``guide_output``, the guide stream's ``guide_sr`` and ``guide_heatmaps``
        (without it the guide stream stops where the face needs no more of it)."""
        face = self.shrink(self.internal(self.head(lr)))
        guide = self.shrink(self.head(guide_lr))
        for _ in range(self.num_stages - 1):
            face, guide = self.external(face, guide)
            face, guide = self.upsample(face), self.upsample(guide)
        heatmaps, guide_heatmaps = self.landmarks(face), self.landmarks(guide)
        face = self.fuse(torch.cat([face, heatmaps], 1))
        guide = self.fuse(torch.cat([guide, guide_heatmaps], 1))
        face, guide = self.external(face, guide)
        out = dict(sr=self.tail(self.upsample(face)), heatmaps=heatmaps)
        if guide_output:
            out.update(guide_sr=self.tail(self.upsample(guide)), guide_heatmaps=guide_heatmaps)
        return out


@MODELS.register_module()
class CPGANDiscriminator(nn.Module):
    """SRGAN-style discriminator (Ledig et al., CVPR 2017) as CPGAN's: (N, 3, S, S) ->
    (N, 1, S/16, S/16) patch scores (least-squares GAN: no sigmoid).

    Per width c of ``channels``: conv3 stride 1 (+ BN, not in the first block), LReLU
    0.2, conv3 stride 2, BN, LReLU 0.2; then conv3 -> 1.

    Args:
        in_size (int): Image side S, divisible by 16.
        channels (Sequence[int]): Block widths (64, 128, 256, 512).
        in_channels (int): Image channels.
    """

    def __init__(self, in_size=128, channels=(64, 128, 256, 512), in_channels=3):
        super().__init__()
        if in_size % 2 ** len(channels):
            raise ValueError(f'in_size {in_size} is not divisible by 2 ** {len(channels)} (one halving per block)')
        self.in_size = in_size
        layers, width = [], in_channels
        for i, out in enumerate(channels):
            layers += [nn.Conv2d(width, out, 3, padding=1)] + ([nn.BatchNorm2d(out)] if i else [])
            layers += [nn.LeakyReLU(0.2), nn.Conv2d(out, out, 3, stride=2, padding=1), nn.BatchNorm2d(out),
                       nn.LeakyReLU(0.2)]
            width = out
        self.body = nn.Sequential(*layers, nn.Conv2d(width, 1, 3, padding=1))
        init_normal_(self)

    def forward(self, img):
        if img.shape[-1] != self.in_size or img.shape[-2] != self.in_size:
            raise ValueError(f'CPGANDiscriminator built for {self.in_size} px faces, got {tuple(img.shape[-2:])}')
        return self.body(img)
