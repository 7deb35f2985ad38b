"""The one adaptation step every entry point calls: DAMMAHook, OneShotTestLoop, apis.adapt, tools/adapt.py."""
from typing import NamedTuple

from mmengine.runner import set_random_seed

from dapfsr.registry import MODELS
from .exemplars import Exemplars, exemplars_from_samples, load_exemplar_files


class Adapted(NamedTuple):
    """What :func:`adapt` did: the adaptation object, its exemplars and its log."""
    adaptation: object
    exemplars: Exemplars
    history: list


def adapt(model, exemplars, adaptation, seed=0):
    """Adapt ``model`` in place to a target domain from K exemplars (Algorithm 1).

    Args:
        model: A model with the adaptation surface of :class:`DAPFSR`.
        exemplars: :class:`Exemplars` (HR / LR in the model's range), packed protocol
            samples (``OneShotProtocol.exemplars(task)``), or ``dict(hr=paths, lr=paths)``
            of image files (``lr`` None: made by the adaptation's degradation).
        adaptation (dict | object): The adaptation config (e.g. ``dict(type='DAMMA', ...)``)
            or a built one.
        seed (int | None): Seeds python, numpy and torch before anything random
            (the degradation of file exemplars, the adaptation): same seed, same result.

    Returns:
        Adapted: ``(adaptation, exemplars, history)``.
    """
    if seed is not None:
        set_random_seed(seed)
    adaptation = MODELS.build(adaptation) if isinstance(adaptation, dict) else adaptation
    if isinstance(exemplars, dict):
        exemplars = load_exemplar_files(model, adaptation.degradation, exemplars['hr'], exemplars.get('lr'))
    elif not isinstance(exemplars, Exemplars):
        exemplars = exemplars_from_samples(model, exemplars)
    return Adapted(adaptation, exemplars, adaptation.run(model, exemplars, seed=seed))
