"""Tiny, randomly initialised DAP-FSR models shared by the tests (16 px HR, 8 px LR)."""
import copy
import functools

import torch

from dapfsr.registry import MODELS

HR_SIZE, LR_SIZE = 16, 8
TINY_DECODER = dict(type='StyleGANDecoder', out_size=HR_SIZE, style_channels=16, num_mlps=2,
                    channels={4: 16, 8: 16, 16: 8})
TINY_ENCODER = dict(type='DAPEncoder', backbone=dict(type='EfficientNetLite0Backbone', pretrained=None),
                    input_size=16, context_channels=8, ale_channels=8, attention_reduction=4,
                    istn_positions=(0, 1), istn_channels=4)
TINY_PERCEPTUAL = dict(type='VGG19Features', layers=('relu1_1', 'relu2_1'), allow_random_weights=True)
TINY_MODEL = dict(type='DAPFSR', encoder=TINY_ENCODER, decoder=TINY_DECODER, perceptual=TINY_PERCEPTUAL)


@functools.lru_cache(maxsize=2)
def _tiny_model_prototype(seed):
    torch.manual_seed(seed)
    model = MODELS.build(TINY_MODEL)
    model.decoder.update_latent_statistics(256, generator=torch.Generator().manual_seed(seed))
    return model.eval()


def build_tiny_model(seed=0):
    """A fresh copy of the same random tiny model for the same seed, in eval mode."""
    return copy.deepcopy(_tiny_model_prototype(seed))
