import math

import cv2
import numpy as np
import pytest
import torch

from dapfsr.evaluation import psnr, rgb_to_gray, rgb_to_y, ssim


def degrade(face):
    """A realistic SR-like error: x4 bicubic down and up, plus a little noise, clipped."""
    img = face.permute(1, 2, 0).numpy()
    small = cv2.resize(img, (32, 32), interpolation=cv2.INTER_CUBIC)
    up = cv2.resize(small, (128, 128), interpolation=cv2.INTER_CUBIC)
    noise = np.random.default_rng(0).normal(0, 0.01, up.shape).astype(np.float32)
    return torch.from_numpy(np.clip(up + noise, 0, 1)).permute(2, 0, 1)


def test_psnr_of_a_constant_offset_by_hand():
    gt = torch.rand(3, 32, 32, generator=torch.Generator().manual_seed(0), dtype=torch.float64) * 0.8 + 0.1
    pred = gt + 0.05  # MSE = 0.0025
    assert psnr(pred, gt) == pytest.approx(10 * math.log10(1 / 0.0025), abs=1e-9)
    # The same images on a 0..255 scale give the same PSNR.
    assert psnr(pred * 255, gt * 255, data_range=255) == pytest.approx(26.0206, abs=1e-4)
    assert psnr(gt, gt) == math.inf


def test_psnr_accepts_arrays_in_hwc_order():
    gt = np.full((16, 16, 3), 0.5)
    assert psnr(gt + 0.1, gt, input_order='HWC') == pytest.approx(20.0, abs=1e-9)


def test_ssim_by_hand():
    gt = torch.rand(3, 24, 24, generator=torch.Generator().manual_seed(1))
    assert ssim(gt, gt) == pytest.approx(1.0, abs=1e-12)
    # Constant images: the variances vanish, SSIM = (2ab + C1) / (a^2 + b^2 + C1).
    a, b, c1 = 0.5, 0.4, 0.01 ** 2
    expected = (2 * a * b + c1) / (a * a + b * b + c1)
    assert ssim(torch.full((1, 16, 16), a), torch.full((1, 16, 16), b)) == pytest.approx(expected)


def test_crop_border_ignores_the_edges():
    gt = torch.rand(3, 40, 40, generator=torch.Generator().manual_seed(2))
    pred = gt.clone()
    pred[:, :4] = 0
    pred[:, :, -4:] = 1
    assert psnr(pred, gt) < 30
    assert psnr(pred, gt, crop_border=4) == math.inf
    assert ssim(pred, gt, crop_border=4) == pytest.approx(1.0, abs=1e-12)
    with pytest.raises(ValueError, match='crop_border'):
        psnr(pred, gt, crop_border=20)


def test_y_channel_values():
    colours = torch.tensor([[1., 0., 0.], [0., 1., 0.], [0., 0., 1.], [1., 1., 1.], [0., 0., 0.]])
    img = colours.T.reshape(3, 1, 5).double()
    y = rgb_to_y(img)[0, 0]
    expected = torch.tensor([16 + 65.481, 16 + 128.553, 16 + 24.966, 235., 16.]) / 255
    assert torch.allclose(y, expected.double(), atol=1e-12)
    # On a 0..255 scale the Y of white is 235 and of black 16, as MATLAB's rgb2ycbcr.
    assert rgb_to_y(img * 255, data_range=255)[0, 0, 3:].tolist() == pytest.approx([235., 16.])
    # A gray image is the Y of the gray replicated to RGB.
    gray = torch.tensor([[[0.0, 0.5, 1.0]]], dtype=torch.float64)
    assert torch.allclose(rgb_to_y(gray), 16 / 255 + 219 / 255 * gray)


def test_a_gray_target_is_compared_with_the_prediction_in_gray():
    gt = torch.rand(1, 20, 20, generator=torch.Generator().manual_seed(3)) * 0.6 + 0.2
    # A tint that cancels in BT.601 luma: 0.299 dr + 0.587 dg + 0.114 db = 0.
    d_r, d_b = 0.1, 0.1
    d_g = -(0.299 * d_r + 0.114 * d_b) / 0.587
    pred = torch.cat([gt + d_r, gt + d_g, gt + d_b])
    assert torch.allclose(rgb_to_gray(pred.double()), gt.double(), atol=1e-7)
    assert psnr(pred, gt) > 120  # equal up to float32 rounding of the inputs
    assert ssim(pred, gt) == pytest.approx(1.0, abs=1e-9)
    # A gray offset of 0.1 shows up as 20 dB, in RGB mode and (scaled by 219/255) in Y mode.
    shifted = pred + 0.1
    assert psnr(shifted, gt) == pytest.approx(20.0, abs=1e-4)
    assert psnr(shifted, gt, convert_to='Y') == pytest.approx(
        -20 * math.log10(0.1 * 219 / 255), abs=1e-4)


def test_bad_inputs_are_clear_errors():
    with pytest.raises(ValueError, match='differ in size'):
        psnr(torch.zeros(3, 8, 8), torch.zeros(3, 8, 9))
    with pytest.raises(ValueError, match='C = 1 or 3'):
        psnr(torch.zeros(4, 8, 8), torch.zeros(4, 8, 8))
    with pytest.raises(ValueError, match="convert_to"):
        psnr(torch.zeros(3, 8, 8), torch.zeros(3, 8, 8), convert_to='YCbCr')
    with pytest.raises(ValueError, match='11x11'):
        ssim(torch.zeros(3, 8, 8), torch.zeros(3, 8, 8))


def wang_ssim_written_out(x, y, data_range=1.0):
    """SSIM (Wang et al. 2004) of two (H, W) float64 arrays, by its definition.

    Every 11x11 window that lies inside the image, Gaussian weights (sigma 1.5)
    normalised to sum 1, weighted population moments, C1 = (0.01 L)^2, C2 = (0.03 L)^2;
    the mean of the SSIM map. No filtering library: the windows are cut out one by one.
    """
    t = np.arange(11) - 5.0
    g = np.exp(-t ** 2 / (2 * 1.5 ** 2))
    weights = np.outer(g, g) / np.outer(g, g).sum()
    wx = np.lib.stride_tricks.sliding_window_view(x, (11, 11))  # (H - 10, W - 10, 11, 11)
    wy = np.lib.stride_tricks.sliding_window_view(y, (11, 11))

    def mean(a):
        return (a * weights).sum(axis=(-2, -1))

    mx, my = mean(wx), mean(wy)
    dx, dy = wx - mx[..., None, None], wy - my[..., None, None]
    vx, vy, cxy = mean(dx * dx), mean(dy * dy), mean(dx * dy)
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    ssim_map = (2 * mx * my + c1) * (2 * cxy + c2) / ((mx ** 2 + my ** 2 + c1) * (vx + vy + c2))
    return ssim_map.mean()


def test_ssim_written_out_on_small_arrays():
    rng = np.random.default_rng(4)
    x = rng.random((13, 17))
    y = np.clip(x + rng.normal(0, 0.1, x.shape), 0, 1)
    assert ssim(y, x) == pytest.approx(wang_ssim_written_out(x, y), abs=1e-12)
    # An image against its negative: the structure term is negative, so SSIM is too.
    assert ssim(1 - x, x) == pytest.approx(wang_ssim_written_out(x, 1 - x), abs=1e-12)
    assert ssim(1 - x, x) < 0
    # 0..255 scale: the constants scale with L, the value does not change.
    assert ssim(y * 255, x * 255, data_range=255) == pytest.approx(wang_ssim_written_out(x, y), abs=1e-12)


def test_psnr_and_ssim_by_their_definitions_on_real_faces(faces, require_module):
    """Our psnr / ssim (scikit-image's numbers behind our conventions) against the
    definitions written out here, on real faces, in RGB and in MATLAB's Y with a border
    crop. Measured: they agree to 1e-13 (max 5.4e-14 over 50 CelebA-HQ test faces, the
    summation order of float64); 1e-10 still catches a changed convention (sample
    covariances alone move it by ~6e-4 on a face)."""
    color = require_module('skimage.color', 'scikit-image (requirements.txt)')
    for face in faces[:3]:
        pred = degrade(face)
        gt_hwc, pred_hwc = face.permute(1, 2, 0).double().numpy(), pred.permute(1, 2, 0).double().numpy()
        mse = np.mean((gt_hwc - pred_hwc) ** 2)
        assert psnr(pred, face) == pytest.approx(10 * math.log10(1 / mse), abs=1e-10)
        per_channel = [wang_ssim_written_out(gt_hwc[..., c], pred_hwc[..., c]) for c in range(3)]
        assert ssim(pred, face) == pytest.approx(np.mean(per_channel), abs=1e-10)
        # Y channel with a 4-pixel border crop, Y from skimage's rgb2ycbcr (16..235), not ours.
        gt_y = color.rgb2ycbcr(gt_hwc)[4:-4, 4:-4, 0] / 255
        pred_y = color.rgb2ycbcr(pred_hwc)[4:-4, 4:-4, 0] / 255
        mse_y = np.mean((gt_y - pred_y) ** 2)
        assert psnr(pred, face, crop_border=4, convert_to='Y') == pytest.approx(
            10 * math.log10(1 / mse_y), abs=1e-10)
        assert ssim(pred, face, crop_border=4, convert_to='Y') == pytest.approx(
            wang_ssim_written_out(gt_y, pred_y), abs=1e-10)
