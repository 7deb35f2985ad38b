"""LatentSpread: the std of predicted W+ codes across faces, against a reference spread."""
import pytest
import torch

from dapfsr.registry import METRICS


def test_spread_is_the_mean_per_entry_std_across_faces():
    metric = METRICS.build(dict(type='LatentSpread', reference=2.0))
    # Entry (0, 0) takes 0, 1, 2 (std 1); all other entries are constant (std 0): mean 1 / 6.
    codes = [torch.zeros(2, 3) for _ in range(3)]
    for i, code in enumerate(codes):
        code[0, 0] = i
    metric.process({}, [dict(pred_latent=c, img_path=f'{i}.png') for i, c in enumerate(codes)])
    result = metric.evaluate(3)
    assert result['LatentSpread'] == pytest.approx(1 / 6)
    assert result['LatentSpreadRatio'] == pytest.approx(1 / 12)


def test_identical_codes_have_no_spread_and_missing_codes_are_named():
    metric = METRICS.build(dict(type='LatentSpread'))
    metric.process({}, [dict(pred_latent=torch.ones(2, 3)) for _ in range(4)])
    assert metric.evaluate(4) == {'LatentSpread': 0.0}
    with pytest.raises(KeyError, match='b.png'):
        metric.process({}, [dict(pred_img=torch.ones(3, 4, 4), img_path='b.png')])
