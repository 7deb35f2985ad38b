"""The one adaptation step every entry point calls: OneShotAdaptationHook, OneShotTestLoop, apis.adapt, tools/adapt.py."""
from typing import NamedTuple

import torch
from mmengine.logging import print_log
from mmengine.runner import set_random_seed

from dapfsr.registry import ADAPTATIONS
from .delta import save_adapted_parameters
from .exemplars import Exemplars, exemplars_from_samples, load_exemplar_files


class Adapted(NamedTuple):
    """What :func:`adapt` did: the adaptation object, its exemplars and its log."""
    adaptation: object
    exemplars: Exemplars
    history: list


def adapt(model, exemplars, adaptation, seed=0):
    """Adapt ``model`` in place to a target domain from K exemplars (Algorithm 1).

    Args:
        model: A face-SR model with the adaptation surface of
            :class:`~dapfsr.models.BaseFaceSRModel`.
        exemplars: :class:`Exemplars` (HR / LR in the model's range), packed protocol
            samples (``OneShotProtocol.exemplars(task)``), or ``dict(hr=paths, lr=paths)``
            of image files (``lr`` None: made by the adaptation's degradation; ``crop``:
            files of another size made as the test faces are, :func:`load_exemplar_files`).
        adaptation (dict | object): The adaptation config (e.g. ``dict(type='DAMMA', ...)``)
            or a built one.
        seed (int | None): Seeds python, numpy and torch before anything random
            (the degradation of file exemplars, the adaptation): same seed, same result.

    Returns:
        Adapted: ``(adaptation, exemplars, history)``.
    """
    if seed is not None:
        set_random_seed(seed)
    adaptation = ADAPTATIONS.build(adaptation) if isinstance(adaptation, dict) else adaptation
    exemplars = as_exemplars(model, exemplars, adaptation)
    calibrate_refiner(model, exemplars)
    return Adapted(adaptation, exemplars, adaptation.run(model, exemplars, seed=seed))


def calibrate_refiner(model, exemplars):
    """Let the model's refiner, if it calibrates, learn the target's framing from the
    exemplars' HR faces (:class:`~dapfsr.models.refiners.AlignedRefiner`)."""
    refiner = getattr(model, 'refiner', None)
    if refiner is not None and hasattr(refiner, 'calibrate'):
        refiner.calibrate(exemplars.hr.to(refiner.framing.device))


def as_exemplars(model, exemplars, adaptation):
    """:class:`Exemplars` from any form :func:`adapt` takes (files degraded by ``adaptation``)."""
    if isinstance(exemplars, dict):
        return load_exemplar_files(model, adaptation.degradation, exemplars['hr'], exemplars.get('lr'),
                                   exemplars.get('crop'))
    return exemplars if isinstance(exemplars, Exemplars) else exemplars_from_samples(model, exemplars)


@torch.no_grad()
def super_resolve_tensor(model, lr):
    """The model's SR faces (N, 3, H, W) in [-1, 1] of LR faces (N, C, h, w) in [-1, 1]."""
    return model(lr, mode='tensor')


def adapt_and_save(model, exemplars, adaptation, out_file, source_checkpoint, record=None, seed=0):
    """:func:`adapt`, then write the adapted parameters on top of the source checkpoint.

    The step of ``tools/adapt.py`` and :class:`~dapfsr.engine.hooks.OneShotAdaptationHook`: the model (in eval mode) is
    adapted in place and only the tensors the adaptation changed are saved
    (:func:`save_adapted_parameters`), with the adaptation config and ``record`` (what the
    exemplars were) in the file's meta.

    Args:
        model: As for :func:`adapt`.
        exemplars: As for :func:`adapt`.
        adaptation (dict): The adaptation config.
        out_file (str): The adapted-parameter file.
        source_checkpoint (str): The checkpoint the model was loaded from.
        record (dict, optional): What the file records of the exemplars.
        seed (int | None): As for :func:`adapt`; also seeds the degradation of file exemplars.

    Returns:
        tuple[Adapted, Tensor]: What :func:`adapt` returns, and the source model's SR
        of the exemplars' LR faces (K, C, H, W) in [-1, 1], for :func:`exemplar_grids`.
    """
    if seed is not None:
        set_random_seed(seed)
    built = ADAPTATIONS.build(adaptation)
    exemplars = as_exemplars(model, exemplars, built)
    model.eval()
    before = super_resolve_tensor(model, exemplars.lr)
    source_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    adapted = adapt(model, exemplars, built, seed=seed)
    keys = save_adapted_parameters(model, out_file, source_checkpoint, adaptation=adaptation,
                                   exemplars=record, reference_state=source_state)
    print_log(f'adaptation: saved {len(keys)} adapted tensors to {out_file}', logger='current')
    return adapted, before


def exemplar_grids(model, adapted, before):
    """The pictures of an adaptation: ``(name, rows, column_titles)`` of the exemplars
    (LR, SR before, SR after, HR) and, with an augmenter, of pairs it generates now
    (images in [0, 1])."""
    def unit(x):
        return (x + 1) / 2

    exemplars = adapted.exemplars
    after = super_resolve_tensor(model, exemplars.lr)
    grids = [('adaptation_exemplars', [[unit(x) for x in row] for row in zip(exemplars.lr, before, after, exemplars.hr)],
              ['LR', 'source SR', 'adapted SR', 'HR'])]
    augmenter = adapted.adaptation.augmenter
    if augmenter is not None:
        hr, lr = augmenter.generate(model, exemplars, adapted.adaptation.batch_size)
        grids.append(('adaptation_generated', [[unit(a), unit(b)] for a, b in zip(lr, hr)],
                      ['generated LR', 'generated HR']))
    return grids
