"""Tiny, randomly initialised DAP-FSR parts for the adaptation tests (16 px HR, 8 px LR)."""
import copy
import functools

import torch

from dapfsr.adaptation import Exemplars, PipelineDegradation
from dapfsr.registry import MODELS

HR_SIZE, LR_SIZE = 16, 8
TINY_MODEL = dict(
    type='DAPFSR',
    encoder=dict(type='DAPEncoder', backbone=dict(type='EfficientNetLite0Backbone', pretrained=None),
                 input_size=16, context_channels=8, ale_channels=8, attention_reduction=4,
                 istn_positions=(0, 1), istn_channels=4),
    decoder=dict(type='StyleGANDecoder', out_size=HR_SIZE, style_channels=16, num_mlps=2,
                 channels={4: 16, 8: 16, 16: 8}),
    perceptual=dict(type='VGG19Features', layers=('relu1_1', 'relu2_1'), allow_random_weights=True))
DEGRADATION = [dict(type='RandomFaceAffine', preset='moderate'),
               dict(type='MatlabResize', keys=['lr'], size=LR_SIZE)]


@functools.lru_cache(maxsize=2)
def _tiny_model_prototype(seed):
    torch.manual_seed(seed)
    model = MODELS.build(TINY_MODEL)
    model.decoder.update_latent_statistics(256, generator=torch.Generator().manual_seed(seed))
    return model.eval()


def build_tiny_model(seed=0):
    """A fresh copy of the same random tiny model for the same seed, in eval mode."""
    return copy.deepcopy(_tiny_model_prototype(seed))


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
