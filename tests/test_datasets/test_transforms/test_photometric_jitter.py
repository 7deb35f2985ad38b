"""RandomPhotometricJitter: gray, a directional light ramp, gamma and contrast, seeded per face."""
import numpy as np
import pytest

from dapfsr.datasets.transforms import RandomPhotometricJitter

FACE = np.random.default_rng(0).integers(40, 220, (16, 20, 3), dtype=np.uint8)


def jitter(img=FACE, **kwargs):
    return RandomPhotometricJitter(seed=0, **kwargs)(dict(gt=img.copy(), img_key='a.png'))


def test_identity_settings_keep_the_face():
    out = jitter(gray_prob=0, ramp_prob=0, gamma=(1, 1), contrast=(1, 1))
    assert np.array_equal(out['gt'], FACE) and out['photometric']['ramp'] is None


def test_gray_is_bt601_luma_in_every_channel():
    out = jitter(gray_prob=1, ramp_prob=0, gamma=(1, 1), contrast=(1, 1))['gt'].astype(float)
    luma = FACE.astype(float) @ [0.299, 0.587, 0.114]
    assert out.shape == FACE.shape and np.all(out[..., 0] == out[..., 2])
    assert np.abs(out[..., 0] - luma).max() <= 1


def test_full_ramp_darkens_one_side_to_the_given_share():
    white = np.full((8, 9, 3), 1.0, np.float32)
    out = jitter(white, gray_prob=0, ramp_prob=1, ramp_strength=(0.9, 0.9), gamma=(1, 1), contrast=(1, 1))
    values = out['gt'][..., 0]
    assert values.max() == pytest.approx(1.0) and values.min() == pytest.approx(0.1, abs=1e-6)
    # the lit corner is the one the recorded direction points away from
    angle = np.radians(out['photometric']['ramp'][0])
    lit = np.unravel_index(values.argmax(), values.shape)
    dark = np.unravel_index(values.argmin(), values.shape)
    assert np.cos(angle) * (dark[1] - lit[1]) + np.sin(angle) * (dark[0] - lit[0]) > 0


def test_gamma_darkens_and_contrast_scales_about_the_mean():
    gray = np.full((4, 4, 1), 0.5, np.float32)
    assert jitter(gray, ramp_prob=0, gamma=(2, 2), contrast=(1, 1))['gt'].max() == pytest.approx(0.25)
    ramp = np.linspace(0.2, 0.8, 16, dtype=np.float32).reshape(4, 4, 1)
    out = jitter(ramp, gray_prob=0, ramp_prob=0, gamma=(1, 1), contrast=(0.5, 0.5))['gt']
    assert np.allclose(out, 0.5 + 0.5 * (ramp - 0.5), atol=1e-6)


def test_seeded_per_face_and_ranges_checked():
    first, again = jitter(), jitter()
    assert np.array_equal(first['gt'], again['gt']) and first['photometric'] == again['photometric']
    other = RandomPhotometricJitter(seed=0)(dict(gt=FACE.copy(), img_key='b.png'))
    assert other['photometric'] != first['photometric']
    assert first['gt'].dtype == np.uint8
    with pytest.raises(ValueError, match='gray_prob'):
        RandomPhotometricJitter(gray_prob=2)
    with pytest.raises(ValueError, match='ramp_strength'):
        RandomPhotometricJitter(ramp_strength=(0.5, 1.5))
