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
  ``L = data_range``, population (not sample) covariances, averaged over the image
  and then over channels.

The two numbers themselves come from scikit-image, on the pair as these conventions
prepare it: ``peak_signal_noise_ratio(data_range=L)`` and ``structural_similarity(
gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=L)``
(its 11x11 window, truncated at 3.5 sigma, and its crop of the (11 - 1) / 2 pixels
whose windows leave the image are the SSIM above). Written out by hand they agree
with it to 1e-13 on CelebA-HQ faces (``tests/test_evaluation/test_functional.py``).
"""
import math

import numpy as np
import torch
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from dapfsr.utils.colour import BT601_LUMA

# BT.601 luma weights; MATLAB rgb2ycbcr's Y row is 219/255 times these.
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
    if torch.equal(pred, gt):
        return math.inf  # MSE 0 (scikit-image would divide by zero)
    return float(peak_signal_noise_ratio(gt.numpy(), pred.numpy(), data_range=data_range))


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
    return float(structural_similarity(gt.numpy(), pred.numpy(), data_range=data_range, channel_axis=0,
                                       gaussian_weights=True, sigma=1.5, use_sample_covariance=False))
