"""Tiny, randomly initialised DAP-FSR parts for the adaptation tests (16 px HR, 8 px LR)."""
import torch

from dapfsr.adaptation import Exemplars, PipelineDegradation
from conftest import HR_SIZE, LR_SIZE, TINY_MODEL  # noqa: F401 (the tiny model's sizes, for the adaptation tests too)

DEGRADATION = [dict(type='RandomFaceAffine', preset='moderate'),
               dict(type='MatlabResize', keys=['lr'], size=LR_SIZE)]


def damma_cfg(**kwargs):
    cfg = dict(type='DAMMA', outer_iters=2, inner_iters=3, batch_size=2, lr_alpha=0.1, lr_phi=0.01,
               degradation=DEGRADATION, log_interval=100)
    cfg.update(kwargs)
    return cfg


def make_exemplars(num=1, seed=1):
    """K random HR faces in [-1, 1] and their LR faces from the degradation pipeline."""
    generator = torch.Generator().manual_seed(seed)
    hr = torch.rand(num, 3, HR_SIZE, HR_SIZE, generator=generator) * 2 - 1
    fixed_affine = [dict(DEGRADATION[0], seed=seed), *DEGRADATION[1:]]
    return Exemplars(hr, PipelineDegradation(fixed_affine)(hr))
