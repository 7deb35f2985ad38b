"""StyleGAN2 building blocks (Karras et al., CVPR 2020) in plain PyTorch.

Parameter names and shapes follow mmagic's ``StyleGAN2Generator`` without its
equalized-lr hook (``weight`` where mmagic stores ``weight_orig``), so the
public checkpoints map onto these modules by renaming keys only. Weights are
stored at unit scale and multiplied by ``lr_mul / sqrt(fan_in)`` in forward
(equalized learning rate, Karras et al. 2018).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .stylegan2_ops import fused_bias_leakyrelu, make_kernel, upfirdn2d


class PixelNorm(nn.Module):
    """z / sqrt(mean(z^2) + eps) over channels: (N, D) -> (N, D)."""

    def __init__(self, eps=1e-8):
        super().__init__()
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.square().mean(dim=1, keepdim=True) + self.eps)


class EqualLinear(nn.Module):
    """Equalized-lr linear layer, optionally fused with bias + leaky ReLU.

    Args:
        in_channels (int): D_in.
        out_channels (int): D_out.
        bias_init (float): Initial bias (1 for style modulation: unit scales).
        lr_mul (float): Learning-rate multiplier (0.01 in the mapping network).
        activation (bool): Apply :func:`fused_bias_leakyrelu`.
    """

    def __init__(self, in_channels, out_channels, bias=True, bias_init=0., lr_mul=1.,
                 activation=False):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels).div_(lr_mul))
        self.bias = nn.Parameter(torch.full((out_channels,), float(bias_init))) if bias else None
        self.scale = lr_mul / math.sqrt(in_channels)
        self.lr_mul = lr_mul
        self.activation = activation

    def forward(self, x):
        """(N, D_in) -> (N, D_out)."""
        bias = None if self.bias is None else self.bias * self.lr_mul
        if self.activation:
            return fused_bias_leakyrelu(F.linear(x, self.weight * self.scale), bias)
        return F.linear(x, self.weight * self.scale, bias)

    def extra_repr(self):
        return (f'{self.weight.shape[1]}, {self.weight.shape[0]}, lr_mul={self.lr_mul}, '
                f'activation={self.activation}')


class EqualConv2d(nn.Module):
    """Equalized-lr conv2d (discriminator): (N, C_in, H, W) -> (N, C_out, H', W')."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels, kernel_size, kernel_size))
        self.bias = nn.Parameter(torch.zeros(out_channels)) if bias else None
        self.scale = 1 / math.sqrt(in_channels * kernel_size ** 2)
        self.stride = stride
        self.padding = padding

    def forward(self, x):
        return F.conv2d(x, self.weight * self.scale, self.bias, self.stride, self.padding)


class FusedBiasLeakyReLU(nn.Module):
    """Per-channel bias, leaky ReLU (0.2) and gain sqrt(2)."""

    def __init__(self, channels):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        return fused_bias_leakyrelu(x, self.bias)


class Blur(nn.Module):
    """FIR low-pass filter with padding: (N, C, H, W) -> (N, C, H + p0 + p1 - k + 1, ...)."""

    def __init__(self, taps, pad, upsample_factor=1):
        super().__init__()
        self.register_buffer('kernel', make_kernel(taps) * upsample_factor ** 2)
        self.pad = tuple(pad)

    def forward(self, x):
        return upfirdn2d(x, self.kernel, pad=self.pad)


class Upsample(nn.Module):
    """x2 FIR upsampling of the RGB skip: (N, C, H, W) -> (N, C, 2H, 2W)."""

    def __init__(self, taps, factor=2):
        super().__init__()
        self.register_buffer('kernel', make_kernel(taps) * factor ** 2)
        p = self.kernel.shape[0] - factor
        self.factor = factor
        self.pad = ((p + 1) // 2 + factor - 1, p // 2)

    def forward(self, x):
        return upfirdn2d(x, self.kernel, up=self.factor, pad=self.pad)


class ModulatedConv2d(nn.Module):
    """Modulated (and demodulated) convolution, StyleGAN2 eq. 1-3.

    ``style_modulation`` is the affine A that maps w to per-input-channel
    scales s: StyleGAN2's replacement of AdaIN, and the AdaIN parameters phi
    that DAMMA adapts (Algorithm 1). The input is scaled by s, convolved with
    the shared weight, and the output divided by the demodulation norm
    sqrt(sum (w * s)^2): equal to convolving with per-sample weights, but one
    batched convolution (faster on CPU than a grouped one).

    Args:
        in_channels (int), out_channels (int), kernel_size (int): As conv2d.
        style_channels (int): D, the size of w.
        demodulate (bool): Normalise output channels (False for to_rgb).
        upsample (bool): x2 transposed convolution followed by a FIR blur.
        blur_kernel (tuple): FIR taps of the blur.
        eps (float): Added to the demodulation norm.
    """

    def __init__(self, in_channels, out_channels, kernel_size, style_channels, demodulate=True,
                 upsample=False, blur_kernel=(1, 3, 3, 1), eps=1e-8):
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.demodulate = demodulate
        self.upsample = upsample
        self.eps = eps
        self.weight = nn.Parameter(torch.randn(1, out_channels, in_channels, kernel_size, kernel_size))
        self.scale = 1 / math.sqrt(in_channels * kernel_size ** 2)
        self.style_modulation = EqualLinear(style_channels, in_channels, bias_init=1.)
        if upsample:
            p = (len(blur_kernel) - 2) - (kernel_size - 1)
            self.blur = Blur(blur_kernel, pad=((p + 1) // 2 + 1, p // 2 + 1), upsample_factor=2)

    def forward(self, x, style):
        """x (N, C_in, H, W), style w (N, D) -> (N, C_out, H or 2H, W or 2W)."""
        s = self.style_modulation(style)
        weight = self.weight[0] * self.scale
        x = x * s.to(x.dtype)[:, :, None, None]
        if self.upsample:
            x = self.blur(F.conv_transpose2d(x, weight.transpose(0, 1), stride=2))
        else:
            x = F.conv2d(x, weight, padding=self.kernel_size // 2)
        if self.demodulate:
            # sum_{i,k} (w_oik s_i)^2 = s^2 @ (sum_k w_oik^2)^T  (StyleGAN2 eq. 3)
            demod = torch.rsqrt(s.square() @ weight.square().sum([2, 3]).t() + self.eps)
            x = x * demod.to(x.dtype)[:, :, None, None]
        return x

    def extra_repr(self):
        return (f'{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, '
                f'demodulate={self.demodulate}, upsample={self.upsample}')


class NoiseInjection(nn.Module):
    """x + strength * noise, noise (N or 1, 1, H, W); fresh N(0, 1) noise when None."""

    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1))

    def forward(self, x, noise=None):
        if noise is None:
            noise = x.new_empty(x.shape[0], 1, *x.shape[2:]).normal_()
        return x + self.weight * noise.to(x.dtype)


class ConstantInput(nn.Module):
    """The learned 4x4 input of the synthesis network: batch size -> (N, C, 4, 4)."""

    def __init__(self, channels, size=4):
        super().__init__()
        self.input = nn.Parameter(torch.randn(1, channels, size, size))

    def forward(self, batch_size):
        return self.input.expand(batch_size, -1, -1, -1)


class ModulatedStyleConv(nn.Module):
    """Modulated 3x3 conv, noise injection, bias + leaky ReLU: one synthesis layer."""

    def __init__(self, in_channels, out_channels, kernel_size, style_channels, upsample=False,
                 blur_kernel=(1, 3, 3, 1)):
        super().__init__()
        self.conv = ModulatedConv2d(in_channels, out_channels, kernel_size, style_channels,
                                    upsample=upsample, blur_kernel=blur_kernel)
        self.noise_injector = NoiseInjection()
        self.activate = FusedBiasLeakyReLU(out_channels)

    def forward(self, x, style, noise=None):
        return self.activate(self.noise_injector(self.conv(x, style), noise))


class ModulatedToRGB(nn.Module):
    """1x1 modulated conv to RGB (no demodulation) plus the upsampled skip image."""

    def __init__(self, in_channels, style_channels, out_channels=3, upsample=True,
                 blur_kernel=(1, 3, 3, 1)):
        super().__init__()
        if upsample:
            self.upsample = Upsample(blur_kernel)
        self.conv = ModulatedConv2d(in_channels, out_channels, 1, style_channels, demodulate=False)
        self.bias = nn.Parameter(torch.zeros(1, out_channels, 1, 1))

    def forward(self, x, style, skip=None):
        """x (N, C, H, W), style (N, D), skip (N, 3, H/2, W/2) -> (N, 3, H, W)."""
        out = self.conv(x, style) + self.bias
        if skip is not None:
            out = out + self.upsample(skip)
        return out


class ConvLayer(nn.Sequential):
    """Discriminator conv: [FIR blur + stride 2] equalized conv [+ bias leaky ReLU]."""

    def __init__(self, in_channels, out_channels, kernel_size, downsample=False,
                 blur_kernel=(1, 3, 3, 1), bias=True, activate=True):
        layers = []
        if downsample:
            p = (len(blur_kernel) - 2) + (kernel_size - 1)
            layers.append(Blur(blur_kernel, pad=((p + 1) // 2, p // 2)))
        layers.append(EqualConv2d(in_channels, out_channels, kernel_size,
                                  stride=2 if downsample else 1,
                                  padding=0 if downsample else kernel_size // 2,
                                  bias=bias and not activate))
        if activate:
            layers.append(FusedBiasLeakyReLU(out_channels))
        super().__init__(*layers)


class ResBlock(nn.Module):
    """Residual discriminator block, x2 down: (N, C_in, H, W) -> (N, C_out, H/2, W/2)."""

    def __init__(self, in_channels, out_channels, blur_kernel=(1, 3, 3, 1)):
        super().__init__()
        self.conv1 = ConvLayer(in_channels, in_channels, 3, blur_kernel=blur_kernel)
        self.conv2 = ConvLayer(in_channels, out_channels, 3, downsample=True, blur_kernel=blur_kernel)
        self.skip = ConvLayer(in_channels, out_channels, 1, downsample=True, blur_kernel=blur_kernel,
                              bias=False, activate=False)

    def forward(self, x):
        return (self.conv2(self.conv1(x)) + self.skip(x)) / math.sqrt(2)
