import math

import pytest
import torch
from mmengine.evaluator import Evaluator

from dapfsr.evaluation import psnr, ssim
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


def test_metrics_follow_their_options_and_prefix(faces):
    gt, pred = faces[0], faces[0].flip(-1)
    options = dict(crop_border=4, convert_to='Y')
    for name, function in (('PSNR', psnr), ('SSIM', ssim)):
        metric = METRICS.build(dict(type=name, prefix='yaleb', **options))
        metric.process({}, [sample(pred, gt).to_dict()])
        result = metric.evaluate(1)
        assert result == {f'yaleb/{name}': pytest.approx(function(pred, gt, **options))}


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
