import math

import pytest
import torch
from mmengine.evaluator import Evaluator

from dapfsr.registry import METRICS
from dapfsr.structures import FaceSRDataSample


def sample(pred, gt, path='face.png'):
    data_sample = FaceSRDataSample(metainfo=dict(img_path=path))
    data_sample.pred_img = pred
    data_sample.gt_img = gt
    return data_sample


def test_psnr_is_averaged_per_image():
    gt = torch.full((3, 16, 16), 0.5)
    metric = METRICS.build(dict(type='PSNR'))
    # Offsets 0.1 and 10^-1.5 give 20 dB and 30 dB; the mean of the two is 25 dB
    # (the PSNR of the pooled MSE would be 22.6 dB).
    metric.process({}, [sample(gt + 0.1, gt).to_dict(), sample(gt + 10 ** -1.5, gt).to_dict()])
    assert metric.evaluate(2) == {'PSNR': pytest.approx(25.0, abs=1e-4)}


def flat_faces_in_noisy_frames(inner_gt=0.5, inner_pred=0.625, size=24, frame=4):
    """Two gray images, flat inside and with different noise in a ``frame``-pixel border."""
    generator = torch.Generator().manual_seed(0)
    gt, pred = torch.rand(2, 3, size, size, generator=generator)
    gt[:, frame:-frame, frame:-frame] = inner_gt
    pred[:, frame:-frame, frame:-frame] = inner_pred
    return pred, gt


def test_metrics_follow_their_options_and_prefix():
    pred, gt = flat_faces_in_noisy_frames(0.5, 0.625)  # exact in float32
    c1 = 0.01 ** 2
    # Flat inside the crop: PSNR = -20 log10(offset), SSIM = (2ab + C1) / (a^2 + b^2 + C1)
    # (no variance left); in Y a gray v becomes 16/255 + 219/255 v (MATLAB rgb2ycbcr).
    y_gt, y_pred = 16 / 255 + 219 / 255 * 0.5, 16 / 255 + 219 / 255 * 0.625
    cases = [
        (dict(crop_border=4, convert_to='Y'), -20 * math.log10(219 / 255 * 0.125),
         (2 * y_gt * y_pred + c1) / (y_gt ** 2 + y_pred ** 2 + c1)),
        (dict(crop_border=4), -20 * math.log10(0.125),
         (2 * 0.5 * 0.625 + c1) / (0.5 ** 2 + 0.625 ** 2 + c1)),
    ]
    for options, psnr_value, ssim_value in cases:
        for name, value in (('PSNR', psnr_value), ('SSIM', ssim_value)):
            metric = METRICS.build(dict(type=name, prefix='yaleb', **options))
            metric.process({}, [sample(pred, gt).to_dict()])
            assert metric.evaluate(1) == {f'yaleb/{name}': pytest.approx(value, abs=1e-9)}
    # Without the crop the noisy frame counts: the numbers are others.
    metric = METRICS.build(dict(type='PSNR', convert_to='Y'))
    metric.process({}, [sample(pred, gt).to_dict()])
    assert metric.evaluate(1)['PSNR'] < cases[0][1] - 3


def test_ssim_is_averaged_per_image():
    # Flat images: SSIM (2ab + C1) / (a^2 + b^2 + C1) of each pair, then the mean of the two.
    c1 = 0.01 ** 2
    pairs = [(0.5, 0.625), (0.25, 0.75)]
    metric = METRICS.build(dict(type='SSIM'))
    metric.process({}, [sample(torch.full((1, 16, 16), b), torch.full((1, 16, 16), a)).to_dict()
                        for a, b in pairs])
    expected = sum((2 * a * b + c1) / (a * a + b * b + c1) for a, b in pairs) / 2
    assert metric.evaluate(2) == {'SSIM': pytest.approx(expected, abs=1e-9)}


def test_evaluator_with_data_elements_and_gray_targets(faces):
    gt_rgb = faces[1]
    gt_gray = (0.299 * gt_rgb[0] + 0.587 * gt_rgb[1] + 0.114 * gt_rgb[2])[None]
    evaluator = Evaluator([dict(type='PSNR'), dict(type='SSIM')])
    evaluator.process([sample(gt_rgb, gt_gray), sample(gt_rgb, gt_rgb)])
    result = evaluator.evaluate(2)
    # An RGB prediction of a gray face scores as its BT.601 luma: a perfect match here.
    assert result['PSNR'] == math.inf
    assert result['SSIM'] == pytest.approx(1.0, abs=1e-6)


def test_missing_prediction_names_the_image():
    metric = METRICS.build(dict(type='PSNR'))
    data_sample = FaceSRDataSample(metainfo=dict(img_path='yaleB01_P00A+000E+00.pgm'))
    data_sample.gt_img = torch.zeros(1, 16, 16)
    with pytest.raises(KeyError, match=r"'pred_img'.*yaleB01_P00A\+000E\+00.pgm"):
        metric.process({}, [data_sample.to_dict()])


def test_unknown_convert_to_is_refused():
    with pytest.raises(ValueError, match='convert_to'):
        METRICS.build(dict(type='SSIM', convert_to='RGB'))
