"""MATLAB-compatible bicubic ``imresize``, for numpy images and torch batches.

Follows the algorithm of MATLAB's ``imresize.m`` (method ``'bicubic'``):

- cubic kernel of Keys with a = -0.5, support [-2, 2];
- output pixel x (1-based) samples the input at u = x / s + (1 - 1 / s) / 2;
- when downscaling (s < 1) with antialiasing, the kernel is stretched to
  h(t) = s * cubic(s * t) and its width to 4 / s;
- each output's weights are normalised to sum to one, taps outside the image
  are mirrored (``symmetric``: ... 2 1 | 1 2 ... n | n n-1 ...);
- the dimension with the smaller scale is resized first; output size is
  ``ceil(s * input size)`` when a scale is given.

One function, :func:`resize_matrix`, computes the (out, in) weight matrix of
one dimension; :func:`matlab_imresize` (numpy, (H, W[, C])) and
:func:`imresize` (torch, (..., H, W), differentiable) both apply it.
"""
import math
from functools import lru_cache

import numpy as np
import torch
from torch import nn


def cubic(x):
    """Keys' cubic convolution kernel with a = -0.5 (MATLAB's ``cubic``)."""
    absx = np.abs(x)
    absx2, absx3 = absx**2, absx**3
    return ((1.5 * absx3 - 2.5 * absx2 + 1) * (absx <= 1) +
            (-0.5 * absx3 + 2.5 * absx2 - 4 * absx + 2) * ((absx > 1) & (absx <= 2)))


@lru_cache(maxsize=64)
def resize_matrix(in_length, out_length, scale, antialias=True):
    """Weights of MATLAB's bicubic resize along one dimension.

    Args:
        in_length (int): Input length n.
        out_length (int): Output length m.
        scale (float): Scale factor s (m / n unless a scale was given).
        antialias (bool): Stretch the kernel when downscaling, as MATLAB does.

    Returns:
        np.ndarray: (m, n) float64 matrix W; the resized signal is W @ signal.
    """
    kernel_width = 4.0
    if scale < 1 and antialias:
        def kernel(t):
            return scale * cubic(scale * t)
        kernel_width /= scale
    else:
        kernel = cubic
    x = np.arange(1, out_length + 1, dtype=np.float64)[:, None]
    u = x / scale + 0.5 * (1 - 1 / scale)
    left = np.floor(u - kernel_width / 2)
    taps = left + np.arange(math.ceil(kernel_width) + 2)[None, :]  # (m, P), 1-based
    weights = kernel(u - taps)
    weights /= weights.sum(axis=1, keepdims=True)
    # symmetric boundary: mirror 1-based indices into [1, n], edges repeated
    mirror = np.concatenate([np.arange(in_length), np.arange(in_length)[::-1]])
    cols = mirror[(taps.astype(np.int64) - 1) % (2 * in_length)]
    matrix = np.zeros((out_length, in_length))
    np.add.at(matrix, (np.repeat(np.arange(out_length), taps.shape[1]), cols.ravel()),
              weights.ravel())
    return matrix


def output_shape(in_shape, scale=None, size=None):
    """(out_h, out_w) and (scale_h, scale_w) for an (h, w) input, as MATLAB computes them.

    Exactly one of ``scale`` (a float or (sh, sw)) and ``size`` (an int or (h, w)).
    """
    if (scale is None) == (size is None):
        raise ValueError('imresize needs exactly one of scale and size')
    if scale is not None:
        scales = (float(scale), ) * 2 if np.isscalar(scale) else tuple(map(float, scale))
        if min(scales) <= 0:
            raise ValueError(f'imresize scale must be positive, got {scale}')
        sizes = tuple(math.ceil(s * n) for s, n in zip(scales, in_shape))
    else:
        sizes = (int(size), ) * 2 if np.isscalar(size) else tuple(map(int, size))
        if min(sizes) <= 0:
            raise ValueError(f'imresize size must be positive, got {size}')
        scales = tuple(m / n for m, n in zip(sizes, in_shape))
    return sizes, scales


def _resize_order(scales):
    """MATLAB resizes the dimension with the smaller scale first (stable sort)."""
    return (0, 1) if scales[0] <= scales[1] else (1, 0)


def matlab_imresize(img, scale=None, size=None, antialias=True):
    """Resize a numpy image like MATLAB's ``imresize(img, scale_or_size, 'bicubic')``.

    Args:
        img (np.ndarray): (H, W) or (H, W, C), uint8, uint16 or float.
        scale (float | tuple, optional): Scale factor(s); out = ceil(scale * in).
        size (int | tuple, optional): Output (h, w).
        antialias (bool): MATLAB's ``'Antialiasing'`` option (on by default).

    Returns:
        np.ndarray: Same dtype as ``img``. Integer images are rounded and
        saturated after each pass, as MATLAB's ``imresizemex`` returns the input class.
    """
    img = np.asarray(img)
    if img.ndim not in (2, 3):
        raise ValueError(f'matlab_imresize expects (H, W) or (H, W, C), got shape {img.shape}')
    sizes, scales = output_shape(img.shape[:2], scale, size)
    dtype = img.dtype
    out = img.astype(np.float64)
    for dim in _resize_order(scales):
        if out.shape[dim] == sizes[dim] and scales[dim] == 1:
            continue
        matrix = resize_matrix(out.shape[dim], sizes[dim], scales[dim], antialias)
        # torch, not numpy: in loader workers torch runs one thread, while numpy's BLAS
        # starts a thread per core in every worker and stalls a many-core machine.
        out = torch.tensordot(torch.from_numpy(matrix), torch.from_numpy(out),
                              dims=([1], [dim])).movedim(0, dim).numpy()
        if np.issubdtype(dtype, np.integer):
            info = np.iinfo(dtype)
            out = np.clip(np.floor(out + 0.5), info.min, info.max)  # MATLAB rounds half up
    return out.astype(dtype)


def imresize(x, scale=None, size=None, antialias=True):
    """Batch MATLAB bicubic resize of a float tensor (..., H, W); differentiable.

    Args:
        x (torch.Tensor): (..., H, W) float tensor, e.g. (N, C, H, W) images.
        scale (float | tuple, optional): Scale factor(s); out = ceil(scale * in).
        size (int | tuple, optional): Output (h, w).
        antialias (bool): Stretch the kernel when downscaling, as MATLAB does.

    Returns:
        torch.Tensor: (..., h, w), same dtype and device as ``x``.
    """
    if not torch.is_floating_point(x) or x.dim() < 2:
        raise ValueError(f'imresize expects a float tensor (..., H, W), got {x.dtype} '
                         f'of shape {tuple(x.shape)}')
    sizes, scales = output_shape(tuple(x.shape[-2:]), scale, size)
    for dim in _resize_order(scales):
        if x.shape[-2 + dim] == sizes[dim] and scales[dim] == 1:
            continue
        matrix = torch.as_tensor(
            resize_matrix(x.shape[-2 + dim], sizes[dim], scales[dim], antialias),
            dtype=x.dtype, device=x.device)
        x = matrix @ x if dim == 0 else x @ matrix.t()
    return x


class MatlabBicubic(nn.Module):
    """:func:`imresize` as a module: (N, C, H, W) -> (N, C, h, w), MATLAB bicubic.

    Args:
        scale (float | tuple, optional): Scale factor(s), e.g. 1/8 for 128 -> 16.
        size (int | tuple, optional): Output (h, w); give exactly one of the two.
        antialias (bool): MATLAB's antialiasing when downscaling.
    """

    def __init__(self, scale=None, size=None, antialias=True):
        super().__init__()
        output_shape((1, 1), scale, size)  # validate now, not at the first forward
        self.scale, self.size, self.antialias = scale, size, antialias

    def forward(self, x):
        return imresize(x, self.scale, self.size, self.antialias)

    def extra_repr(self):
        return f'scale={self.scale}, size={self.size}, antialias={self.antialias}'
