import numpy as np
import pytest

from dapfsr.datasets.transforms import RandomBlur, RandomJPEG, RandomNoise
from dapfsr.registry import TRANSFORMS


def face(channels=3, dtype=np.uint8):
    rng = np.random.default_rng(0)
    img = rng.random((32, 32, channels))
    return (img * 255).astype(np.uint8) if dtype == np.uint8 else img.astype(dtype)


@pytest.mark.parametrize('cfg', [dict(type='RandomBlur', sigma=(0.5, 1.5)),
                                 dict(type='RandomNoise', sigma=(0.01, 0.05)),
                                 dict(type='RandomJPEG', quality=(20, 60))])
@pytest.mark.parametrize('channels,dtype', [(3, np.uint8), (1, np.uint8), (3, np.float32)])
def test_seeded_degradation_is_reproducible_and_recorded(cfg, channels, dtype):
    degrade = TRANSFORMS.build(dict(cfg, seed=4))
    img = face(channels, dtype)
    first = degrade(dict(lr=img.copy(), img_key='a.png'))
    again = degrade(dict(lr=img.copy(), img_key='a.png'))
    other = degrade(dict(lr=img.copy(), img_key='b.png'))
    assert first['lr'].shape == img.shape and first['lr'].dtype == img.dtype
    np.testing.assert_array_equal(first['lr'], again['lr'])
    assert not np.array_equal(first['lr'], img)
    assert first['degradation'] == again['degradation'] != other['degradation']
    (name, value), = first['degradation'].items()
    low, high = cfg.get('sigma', cfg.get('quality'))
    assert low <= value <= high


def test_probability_zero_leaves_the_face_alone():
    img = face()
    out = RandomNoise(prob=0.0, seed=0)(dict(lr=img.copy(), img_key='a'))
    np.testing.assert_array_equal(out['lr'], img)
    assert 'degradation' not in out


def test_noise_has_the_drawn_std_and_blur_smooths():
    flat = np.full((256, 256, 1), 0.5, np.float32)
    out = RandomNoise(sigma=(0.05, 0.05), seed=0)(dict(lr=flat.copy(), img_key='a'))
    assert abs(out['lr'].std() - 0.05) < 0.003
    noisy = face(1, np.float32)
    blurred = RandomBlur(sigma=(1.5, 1.5), seed=0)(dict(lr=noisy.copy(), img_key='a'))['lr']
    assert blurred.std() < 0.5 * noisy.std()
    np.testing.assert_allclose(blurred.mean(), noisy.mean(), atol=0.01)


def test_degradations_chain_into_one_record():
    results = dict(lr=face(), img_key='a')
    for t in (RandomBlur(seed=0), RandomNoise(seed=0), RandomJPEG(seed=0)):
        results = t(results)
    assert set(results['degradation']) == {'blur_sigma', 'noise_sigma', 'jpeg_quality'}


def test_bad_arguments():
    with pytest.raises(ValueError, match='prob'):
        RandomNoise(prob=2)
    with pytest.raises(ValueError, match='quality'):
        RandomJPEG(quality=(0, 50))
