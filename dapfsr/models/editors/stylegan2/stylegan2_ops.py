"""StyleGAN2's two custom ops in plain PyTorch: upfirdn2d and the fused bias + leaky ReLU.

NVlabs, rosinality and mmcv ship them as CUDA kernels (with slow fallbacks);
these run unchanged on CPU and GPU and give the same numbers as those kernels.
"""
import math

import torch
import torch.nn.functional as F


def make_kernel(taps):
    """FIR taps, e.g. (1, 3, 3, 1), -> normalised 2-D kernel (k, k) summing to 1."""
    kernel = torch.as_tensor(taps, dtype=torch.float32)
    if kernel.ndim == 1:
        kernel = kernel[None, :] * kernel[:, None]
    return kernel / kernel.sum()


def upfirdn2d(x, kernel, up=1, down=1, pad=(0, 0)):
    """Upsample (zero insertion), pad, FIR-filter and downsample each channel.

    Same semantics as NVlabs' ``upfirdn2d`` and rosinality's ``upfirdn2d_native``
    with the same up/down factor and padding on both axes.

    Args:
        x (Tensor): (N, C, H, W).
        kernel (Tensor): (kh, kw) FIR filter (applied as a true convolution).
        up (int): Upsampling factor: ``up - 1`` zeros after every sample.
        down (int): Downsampling factor (keeps every ``down``-th sample).
        pad (tuple[int, int]): (before, after) padding of the upsampled
            signal on each axis; negative values crop.

    Returns:
        Tensor: (N, C, (H * up + pad0 + pad1 - kh) // down + 1, ... for W).
    """
    n, c, h, w = x.shape
    if up > 1:
        x = F.pad(x.reshape(n, c, h, 1, w, 1), [0, up - 1, 0, 0, 0, up - 1])
        x = x.reshape(n, c, h * up, w * up)
    pad0, pad1 = pad
    x = F.pad(x, [max(pad0, 0), max(pad1, 0), max(pad0, 0), max(pad1, 0)])
    x = x[:, :, max(-pad0, 0):x.shape[2] - max(-pad1, 0), max(-pad0, 0):x.shape[3] - max(-pad1, 0)]
    # A convolution flips the kernel; conv2d correlates, so flip it first.
    weight = kernel.flip([0, 1]).to(x.dtype)[None, None].expand(c, 1, *kernel.shape)
    return F.conv2d(x, weight, stride=down, groups=c)


def fused_bias_leakyrelu(x, bias, negative_slope=0.2, scale=math.sqrt(2)):
    """StyleGAN2's activation: leaky_relu(x + bias) * sqrt(2); bias (C,) on dim 1."""
    if bias is not None:
        x = x + bias.to(x.dtype).reshape(1, -1, *([1] * (x.ndim - 2)))
    return F.leaky_relu(x, negative_slope) * scale
