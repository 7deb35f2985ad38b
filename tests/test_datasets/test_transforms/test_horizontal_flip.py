"""RandomHorizontalFlip: mirrors all keys together, at its probability, per-sample seeded."""
import numpy as np
import pytest

from dapfsr.datasets.transforms import RandomHorizontalFlip


def face(i):
    rng = np.random.default_rng(i)
    return dict(gt=rng.random((8, 6, 3)).astype(np.float32), img_key=f'face{i}.png')


def test_flip_mirrors_every_key_together():
    results = face(0)
    results['lr'] = results['gt'][::2, ::2].copy()
    gt, lr = results['gt'].copy(), results['lr'].copy()
    out = RandomHorizontalFlip(keys=['gt', 'lr'], prob=1.0)(results)
    assert out['flipped'] is True
    np.testing.assert_array_equal(out['gt'], gt[:, ::-1])
    np.testing.assert_array_equal(out['lr'], lr[:, ::-1])
    kept = RandomHorizontalFlip(prob=0.0)(face(0))
    assert kept['flipped'] is False
    np.testing.assert_array_equal(kept['gt'], face(0)['gt'])


def test_flip_rate_and_seeding():
    flips = [RandomHorizontalFlip(prob=0.5)(face(i))['flipped'] for i in range(400)]
    assert 0.4 < np.mean(flips) < 0.6
    seeded = RandomHorizontalFlip(prob=0.5, seed=3)
    first = [seeded(face(i))['flipped'] for i in range(50)]
    assert first == [seeded(face(i))['flipped'] for i in range(50)]  # same face, same draw
    assert 0 < sum(first) < 50
    with pytest.raises(ValueError, match='prob'):
        RandomHorizontalFlip(prob=1.5)
