"""Per-sample random generators for the random transforms.

With an integer ``seed``, a transform draws from
``numpy.random.default_rng([seed, salt, sample])`` where ``salt`` names the
transform and ``sample`` identifies the face: a hash of ``img_key`` (the
image's path relative to its dataset root, set by every dapfsr dataset) or,
without it, ``sample_idx``. The same face thus gets the same affine and
degradations whatever the worker, the order, the subset or the machine: the
fixed LR faces of a test split.

With ``seed=None`` a transform draws a fresh generator from numpy's global
state, which mmengine seeds per worker (``randomness=dict(seed=...)``): new
draws every epoch for training, reproducible for a given seed and worker count.
"""
import zlib

import numpy as np


def stable_hash(text):
    """A 32-bit hash of ``text`` that is the same in every process (unlike ``hash``)."""
    return zlib.crc32(str(text).encode('utf-8'))


def sample_rng(results, seed, salt):
    """The numpy Generator a random transform uses for one sample.

    Args:
        results (dict): The transform's input; ``img_key`` or ``sample_idx`` is read.
        seed (int | None): Base seed; None draws from numpy's global state.
        salt (str): Name of the transform, so that two transforms with one seed
            draw independent numbers.
    """
    if seed is None:
        return np.random.default_rng(np.random.randint(0, 2**31 - 1))
    if 'img_key' in results:
        sample = stable_hash(results['img_key'])
    elif 'sample_idx' in results:
        sample = int(results['sample_idx'])
    else:
        raise KeyError(f'{salt} with seed={seed} needs "img_key" or "sample_idx" in the '
                       'results to seed each sample; build the data with a dataset')
    return np.random.default_rng([int(seed), stable_hash(salt), sample])
