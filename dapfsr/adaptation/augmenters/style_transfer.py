"""Style-transfer augmentation (Table 3): source faces restyled after the exemplar.

The content faces are source-domain faces drawn by the decoder, G(w^s) with
w^s = mu_w + sigma_w eps (no source dataset is needed at deployment); the
style is the exemplar HR face (exemplar i mod K for face i).
"""
import os.path as osp

import torch
import torch.nn as nn

from dapfsr.models.archs.adain import AdaINDecoder, adain_encoder, adaptive_instance_norm
from dapfsr.registry import MODELS
from dapfsr.utils.checkpoint import (load_checkpoint_file, load_state_dict_checked,
                                     state_dict_from_checkpoint)
from ..losses import feature_statistics
from .base import BaseAugmenter

def load_sequential_weights(module, path, what):
    """Load a Sequential's state dict from ``path``; the file's layers past the module's last
    are left out (a full VGG-19 file fits the relu4_1 encoder); any other key that does not
    fit, a missing one or a wrong shape is an error naming the file."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'AdaIN weights not found: {path} (pytorch-AdaIN\'s vgg_normalised.pth '
                                'and decoder.pth, from its releases)')
    state = state_dict_from_checkpoint(load_checkpoint_file(path))
    state = {k: v for k, v in state.items()
             if not (k.split('.')[0].isdigit() and int(k.split('.')[0]) >= len(module))}
    load_state_dict_checked(module, state, path, what=what)


@MODELS.register_module()
class AdaINStyleTransfer(BaseAugmenter):
    """AdaIN style transfer (Huang and Belongie, ICCV 2017), the "Style Transfer" row of Table 3.

    stylised = D(t), t = strength AdaIN(f(c), f(s)) + (1 - strength) f(c), f the
    VGG-19 encoder to relu4_1 and D the trained AdaIN decoder; c = G(w^s), s =
    the exemplar HR face, both in [0, 1] RGB. It needs the trained weights of
    the reference implementation (pytorch-AdaIN's ``vgg_normalised.pth`` and
    ``decoder.pth``, state dicts of its ``vgg`` and ``decoder`` Sequentials):
    a stylizer with random weights is no style transfer, so it refuses to
    build without them.

    Args:
        encoder_weights (str): Path of ``vgg_normalised.pth``.
        decoder_weights (str): Path of ``decoder.pth``.
        strength (float): Content-style trade-off alpha of AdaIN, in [0, 1].
        degradation: See :class:`BaseAugmenter`.
    """

    def __init__(self, encoder_weights=None, decoder_weights=None, strength=1.0, degradation=None):
        super().__init__(degradation)
        if encoder_weights is None or decoder_weights is None:
            raise ValueError('AdaINStyleTransfer needs the trained AdaIN weights: set encoder_weights '
                             '(vgg_normalised.pth) and decoder_weights (decoder.pth) of '
                             'naoto0804/pytorch-AdaIN in the augmenter config; it does not run with '
                             'random weights (ColorStatisticsTransfer needs none)')
        if not 0 <= strength <= 1:
            raise ValueError(f'AdaINStyleTransfer strength must lie in [0, 1], got {strength}')
        self.strength = strength
        self.encoder = adain_encoder()
        self.decoder = AdaINDecoder()
        load_sequential_weights(self.encoder, encoder_weights,
                                'the AdaIN VGG-19 encoder (vgg_normalised.pth)')
        load_sequential_weights(self.decoder, decoder_weights, 'the AdaIN decoder (decoder.pth)')
        self.requires_grad_(False).eval()
        self.source_latents = None
        self.style_statistics = None

    def train(self, mode=True):
        return super().train(False)  # frozen networks

    @torch.no_grad()
    def reset(self, model, exemplars, num):
        self.to(exemplars.hr.device)
        self.source_latents = model.decoder.sample_source_latents(num)
        mean, std = feature_statistics(self.encoder((exemplars.hr + 1) / 2))
        index = torch.arange(num, device=mean.device) % len(exemplars)
        self.style_statistics = (mean[index], std[index])

    def generate_hr(self, model, exemplars, num):
        if self.source_latents is None or self.source_latents.shape[0] != num:
            self.reset(model, exemplars, num)
        content = self.encoder((model.decode(self.source_latents) + 1) / 2)
        t = adaptive_instance_norm(content, *self.style_statistics)
        t = self.strength * t + (1 - self.strength) * content
        return self.decoder(t).clamp(0, 1) * 2 - 1


@MODELS.register_module()
class ColorStatisticsTransfer(BaseAugmenter):
    """Colour / illumination statistics transfer: a weightless stand-in, NOT AdaIN.

    Each source face G(w^s) gets the exemplar's per-channel pixel mean and
    standard deviation (Reinhard et al. 2001's transfer, in RGB):
    out = sigma_s (c - mu_c) / sigma_c + mu_s, optionally on a blurred copy
    only (``low_pass_size``) so that just the illumination, not the texture,
    is transferred. Use it where no AdaIN weights exist; it is not the
    paper's "Style Transfer" row.

    Args:
        low_pass_size (int): Side of the box filter whose output is restyled
            (0: the whole image).
        degradation: See :class:`BaseAugmenter`.
    """

    def __init__(self, low_pass_size=0, degradation=None):
        super().__init__(degradation)
        self.low_pass_size = int(low_pass_size)
        self.source_latents = None

    def reset(self, model, exemplars, num):
        self.source_latents = model.decoder.sample_source_latents(num)

    def low_pass(self, img):
        if self.low_pass_size <= 1:
            return img
        pad = self.low_pass_size // 2
        padded = nn.functional.pad(img, (pad, self.low_pass_size - 1 - pad) * 2, mode='replicate')
        return nn.functional.avg_pool2d(padded, self.low_pass_size, stride=1)

    def generate_hr(self, model, exemplars, num):
        if self.source_latents is None or self.source_latents.shape[0] != num:
            self.reset(model, exemplars, num)
        content = model.decode(self.source_latents)
        style, _ = exemplars.for_batch(num)
        base = self.low_pass(content)
        restyled = adaptive_instance_norm(base, *feature_statistics(self.low_pass(style)))
        return (content - base + restyled).clamp(-1, 1)
