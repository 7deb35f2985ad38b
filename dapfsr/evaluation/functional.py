"""PSNR and SSIM on single images, with the conventions of the FSR literature.

Conventions (the same as mmagic's ``psnr``/``ssim`` and MATLAB's evaluation scripts):

* Images are (C, H, W) tensors or arrays (``input_order='HWC'`` for (H, W, C)),
  C = 3 (RGB) or 1 (gray), (H, W) for gray, values in ``[0, data_range]``.
  Values are compared as floats; nothing is rounded to 8 bit.
* ``convert_to='Y'`` compares the luma of ITU-R BT.601 as MATLAB's ``rgb2ycbcr``
  computes it (studio range): ``Y = 16/255 + (65.481 R + 128.553 G + 24.966 B) / 255``
  for values in [0, 1] (scaled by ``data_range``). ``convert_to=None`` compares all
  channels.
* Gray targets: when one image has 1 channel and the other 3, the 3-channel one is
  converted to gray, ``0.299 R + 0.587 G + 0.114 B`` (BT.601 luma weights, as MATLAB
  ``rgb2gray`` and OpenCV), and the two are compared as gray images. With
  ``convert_to='Y'`` the gray images then go through the same studio-range mapping,
  ``Y = 16/255 + 219/255 * gray``, i.e. the Y of the gray image replicated to RGB.
* ``crop_border`` pixels are removed from every edge of both images first.
* SSIM (Wang et al. 2004): 11x11 Gaussian window with sigma 1.5, no padding (only
  windows inside the image count), ``C1 = (0.01 L)^2``, ``C2 = (0.03 L)^2`` with
  ``L = data_range``, averaged over the image and then over channels. This equals
  scikit-image's ``structural_similarity(gaussian_weights=True, sigma=1.5,
  use_sample_covariance=False, data_range=L)``.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

# BT.601 luma weights; MATLAB rgb2ycbcr's Y row is 219/255 times these.
BT601_LUMA = (0.299, 0.587, 0.114)
YCBCR_Y_ROW = (65.481, 128.553, 24.966)


def _as_chw(img, input_order, name):
    """(C, H, W) float64 tensor from a tensor or array in CHW/HWC/HW layout."""
    if input_order not in ('CHW', 'HWC'):
        raise ValueError(f"input_order must be 'CHW' or 'HWC', got {input_order!r}")
    tensor = torch.as_tensor(np.asarray(img) if not torch.is_tensor(img) else img)
    tensor = tensor.detach().to('cpu', torch.float64)
    if tensor.ndim == 2:
        tensor = tensor[None]
    elif tensor.ndim == 3 and input_order == 'HWC':
        tensor = tensor.permute(2, 0, 1)
    if tensor.ndim != 3 or tensor.shape[0] not in (1, 3):
        raise ValueError(f'{name}: expected a (C, H, W) image with C = 1 or 3 '
                         f'(input_order={input_order!r}), got shape {tuple(tensor.shape)}')
    return tensor


def rgb_to_gray(img):
    """(3, H, W) -> (1, H, W) BT.601 luma, ``0.299 R + 0.587 G + 0.114 B``."""
    weights = img.new_tensor(BT601_LUMA).view(3, 1, 1)
    return (img * weights).sum(0, keepdim=True)


def match_channels(pred, gt):
    """The gray-target rule: if one of two (C, H, W) images is gray, the other becomes gray too."""
    if pred.shape[0] != gt.shape[0]:
        pred, gt = [rgb_to_gray(x) if x.shape[0] == 3 else x for x in (pred, gt)]
    return pred, gt


def rgb_to_y(img, data_range=1.0):
    """(3, H, W) or (1, H, W) gray in [0, L] -> (1, H, W) Y of MATLAB ``rgb2ycbcr`` in [0, L].

    ``Y = L * (16 + (65.481 R + 128.553 G + 24.966 B) / L) / 255`` (studio range,
    16..235 for L = 255); a gray image is treated as RGB with R = G = B.
    """
    if img.shape[0] == 1:
        img = img.expand(3, *img.shape[1:])
    weights = img.new_tensor(YCBCR_Y_ROW).view(3, 1, 1)
    return (img * weights).sum(0, keepdim=True) / 255.0 + 16.0 / 255.0 * data_range


def prepare_pair(pred, gt, crop_border=0, convert_to=None, input_order='CHW', data_range=1.0):
    """The two images as they are compared: (C, H', W') float64 tensors.

    Applies the gray-target rule, the Y conversion and the border crop of the
    module docstring. Raises ValueError on mismatched sizes or unknown options.
    """
    if convert_to not in (None, 'Y'):
        raise ValueError(f"convert_to must be None or 'Y', got {convert_to!r}")
    pred = _as_chw(pred, input_order, 'pred')
    gt = _as_chw(gt, input_order, 'gt')
    if pred.shape[1:] != gt.shape[1:]:
        raise ValueError(f'pred and gt differ in size: {tuple(pred.shape)} vs {tuple(gt.shape)}')
    pred, gt = match_channels(pred, gt)
    if convert_to == 'Y':
        pred, gt = rgb_to_y(pred, data_range), rgb_to_y(gt, data_range)
    if crop_border:
        if 2 * crop_border >= min(gt.shape[1:]):
            raise ValueError(f'crop_border={crop_border} leaves nothing of a '
                             f'{tuple(gt.shape[1:])} image')
        pred = pred[:, crop_border:-crop_border, crop_border:-crop_border]
        gt = gt[:, crop_border:-crop_border, crop_border:-crop_border]
    return pred, gt


def psnr(pred, gt, crop_border=0, convert_to=None, data_range=1.0, input_order='CHW'):
    """Peak signal-to-noise ratio, ``10 log10(L^2 / MSE)`` in dB (inf for equal images).

    Args:
        pred, gt: (C, H, W) images (tensor or array) in [0, ``data_range``].
        crop_border (int): Pixels removed from each edge before comparing.
        convert_to (str | None): ``'Y'`` for the BT.601 Y channel, None for all channels.
        data_range (float): L, the largest possible pixel value (1.0 for [0, 1]).
        input_order (str): ``'CHW'`` or ``'HWC'``.

    Returns:
        float
    """
    pred, gt = prepare_pair(pred, gt, crop_border, convert_to, input_order, data_range)
    mse = torch.mean((pred - gt) ** 2).item()
    if mse == 0:
        return math.inf
    return 10.0 * math.log10(data_range ** 2 / mse)


def gaussian_window(size=11, sigma=1.5):
    """(size, size) float64 Gaussian, normalised to sum 1 (``cv2.getGaussianKernel`` outer product)."""
    coords = torch.arange(size, dtype=torch.float64) - (size - 1) / 2
    g = torch.exp(-coords ** 2 / (2 * sigma ** 2))
    g = g / g.sum()
    return torch.outer(g, g)


def ssim(pred, gt, crop_border=0, convert_to=None, data_range=1.0, input_order='CHW'):
    """Structural similarity (Wang et al. 2004), mean over pixels then channels.

    Arguments as for :func:`psnr`; see the module docstring for the window and
    constants. Images smaller than the 11x11 window (after cropping) are an error.

    Returns:
        float
    """
    pred, gt = prepare_pair(pred, gt, crop_border, convert_to, input_order, data_range)
    if min(gt.shape[1:]) < 11:
        raise ValueError(f'SSIM needs images of at least 11x11 pixels, got {tuple(gt.shape[1:])}')
    c1 = (0.01 * data_range) ** 2
    c2 = (0.03 * data_range) ** 2
    window = gaussian_window()[None, None]
    x = pred[:, None]  # channels as batch: (C, 1, H, W)
    y = gt[:, None]

    def blur(img):
        return F.conv2d(img, window)  # 'valid': only windows inside the image

    mu_x, mu_y = blur(x), blur(y)
    sigma_xx = blur(x * x) - mu_x ** 2
    sigma_yy = blur(y * y) - mu_y ** 2
    sigma_xy = blur(x * y) - mu_x * mu_y
    ssim_map = ((2 * mu_x * mu_y + c1) * (2 * sigma_xy + c2)) / (
        (mu_x ** 2 + mu_y ** 2 + c1) * (sigma_xx + sigma_yy + c2))
    return ssim_map.mean(dim=(1, 2, 3)).mean().item()
