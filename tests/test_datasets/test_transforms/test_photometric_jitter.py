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


def test_color_cast_multiplies_each_channel_by_its_recorded_gain():
    gray = np.full((4, 4, 3), 0.5, np.float32)
    out = jitter(gray, gray_prob=0, ramp_prob=0, gamma=(1, 1), contrast=(1, 1), color_cast=(0.8, 1.2))
    gains = np.array(out['photometric']['cast'])
    assert np.all((0.8 <= gains) & (gains <= 1.2)) and len(set(gains)) == 3
    assert np.allclose(out['gt'], 0.5 * gains, atol=1e-6)
    # without a cast nothing is drawn for it: the other draws are those of before
    assert jitter(color_cast=None)['photometric'] == dict(jitter()['photometric'], cast=None)


def test_face_shading_is_lambert_on_the_half_ellipsoid():
    from dapfsr.datasets.transforms import RandomFaceShading
    white = np.ones((40, 30, 1), np.float32)

    def shade(azimuth, elevation, ambient):
        t = RandomFaceShading(azimuth=azimuth, elevation=elevation, ambient=(ambient, ambient), seed=0)
        # a fixed light: ranges of one value, drawn at their ends
        t.draw = lambda rng: (azimuth, elevation, ambient)
        return t(dict(gt=white.copy(), img_key='a'))['gt'][..., 0]

    front = shade(0.0, 0.0, 0.2)
    # at pixel (row 25, col 20): p = ((20 - 14.5) / 12.6, (25 - 19.5) / 22), n_z = sqrt(1 - |p|^2)
    px, py = (20 - 14.5) / (0.42 * 30), (25 - 19.5) / (0.55 * 40)
    assert front[25, 20] == pytest.approx(0.2 + 0.8 * np.sqrt(1 - px ** 2 - py ** 2), abs=1e-5)
    side = shade(90.0, 0.0, 0.2)  # light from +x: the -x half keeps the ambient light only
    assert np.allclose(side[:, :14], 0.2) and side[20, 25] == pytest.approx(0.2 + 0.8 * min(1, (25 - 14.5) / 12.6), abs=1e-5)
