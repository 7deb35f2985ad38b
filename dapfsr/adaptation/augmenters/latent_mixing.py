"""Domain-aware latent mixing (sec. 4.2): target-style faces G(w^m) from one exemplar."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from dapfsr.registry import MODELS
from ..losses import content_loss, exemplar_statistics, style_loss
from .base import BaseAugmenter


def mix_latents(target, source, alpha):
    """Eq. 6: w^m_i = (1 - alpha_i) w^t_i + alpha_i w^s_i, layer by layer.

    Args:
        target (Tensor): w^t, (N, L, D).
        source (Tensor): w^s, (N, L, D).
        alpha (Tensor): (L,) weight of the source latent per layer.

    Returns:
        Tensor: w^m, (N, L, D).
    """
    alpha = alpha[:, None]
    return (1 - alpha) * target + alpha * source


class LatentMixing(BaseAugmenter):
    """Mix the exemplar's projected latent with sampled source latents.

    Per outer iteration (:meth:`reset`, Algorithm 1 lines 2-3): w^t = mu_w +
    E(I_LR^t) sigma_w, the manifold-preserving projection of Eq. 2 of each
    exemplar's LR face (the encoder takes LR faces; the paper's "encode
    I_HR^t" can only mean its LR pair), and ``num`` source latents w^s = mu_w +
    sigma_w eps. Generated face i mixes w^s_i with the w^t of exemplar
    i mod K by Eq. 6 and is drawn by the current decoder, G(w^m).
    Subclasses give the weight alpha (:meth:`mixing_weight`).

    Args:
        degradation: See :class:`BaseAugmenter`.
        target_refine_steps (int): Not in the paper: Adam steps that refine each w^t
            from its projection towards the exemplar's HR face (pixel MSE through the
            current decoder). Where the encoder reads a target face as a source-style
            one (a lit-left Yale B face as an evenly lit colour face), G(w^t) lacks the
            target's style and no alpha gives G(w^m) that style; 0: the projection alone.
        target_refine_lr (float): Their learning rate.
    """

    def __init__(self, degradation=None, target_refine_steps=0, target_refine_lr=0.02):
        super().__init__(degradation)
        self.target_refine_steps = int(target_refine_steps)
        self.target_refine_lr = target_refine_lr
        self.target_latents = None
        self.source_latents = None

    def reset(self, model, exemplars, num):
        with torch.no_grad():
            target = model.encode_latents(exemplars.lr)
            self.source_latents = model.decoder.sample_source_latents(num)
        self.target_latents = self.refine_target_latents(model, target, exemplars.hr)

    def refine_target_latents(self, model, latents, hr):
        """``target_refine_steps`` of Adam on ||G(w^t) - I_HR^t||^2 from the projected w^t."""
        if not self.target_refine_steps:
            return latents.detach()
        latents = latents.detach().clone().requires_grad_(True)
        optimizer = torch.optim.Adam([latents], lr=self.target_refine_lr)
        for _ in range(self.target_refine_steps):
            optimizer.zero_grad(set_to_none=True)
            F.mse_loss(model.decode(latents), hr).backward(inputs=[latents])
            optimizer.step()
        return latents.detach()

    def mixing_weight(self):
        """alpha, (L,)."""
        raise NotImplementedError

    def log_values(self):
        return dict(alpha=self.mixing_weight().detach().cpu().tolist())

    def mixed_latents(self):
        """w^m, (num, L, D), differentiable in alpha."""
        num, k = self.source_latents.shape[0], self.target_latents.shape[0]
        target = self.target_latents[torch.arange(num, device=self.target_latents.device) % k]
        return mix_latents(target, self.source_latents, self.mixing_weight())

    def generate_hr(self, model, exemplars, num):
        if self.source_latents is None or self.source_latents.shape[0] != num:
            self.reset(model, exemplars, num)
        return model.decode(self.mixed_latents())


@MODELS.register_module()
class SoftLatentMixing(LatentMixing):
    r"""DAMMA's soft mixing (Table 2, E and F): alpha learnt by Eq. 7-9.

    alpha = sigmoid(a) with a learnt logit a per layer, so alpha stays in
    (0, 1) whatever step the optimizer takes: Eq. 6 is then a convex
    combination of w^t and w^s, inside the latent region both span. Each
    outer iteration restarts a from logit(alpha_0) (Algorithm 1, line 4).

    L(alpha) = ``content_weight`` L_c + ``style_weight`` L_s (Eq. 7; 1 and 1
    in the paper) with L_c = ||F(G(w^m)) - F(G(w^s))|| (Eq. 8) and L_s the
    mean/std distance of F(G(w^m)) to F(I_HR^t) (Eq. 9); F is the model's
    perceptual extractor (that of Eq. 4, with its per-layer weights), G the
    current decoder.

    Args:
        alpha_init (float): alpha_0 in (0, 1), the same for every layer.
        content_weight (float): Weight of L_c.
        style_weight (float): Weight of L_s.
        degradation: See :class:`BaseAugmenter`.
        **kwargs: ``target_refine_steps``, ``target_refine_lr`` of :class:`LatentMixing`.
    """

    def __init__(self, alpha_init=0.5, content_weight=1.0, style_weight=1.0, degradation=None,
                 **kwargs):
        super().__init__(degradation, **kwargs)
        if not 0 < alpha_init < 1:
            raise ValueError(f'alpha_init must lie in (0, 1) (alpha = sigmoid(logit)), got {alpha_init}')
        self.alpha_init = alpha_init
        self.content_weight = content_weight
        self.style_weight = style_weight
        self.alpha_logits = None
        self.style_statistics = None

    def reset(self, model, exemplars, num):
        super().reset(model, exemplars, num)
        logit = math.log(self.alpha_init / (1 - self.alpha_init))
        self.alpha_logits = nn.Parameter(torch.full((model.decoder.num_latents, ), logit,
                                                    device=self.source_latents.device))
        stats = exemplar_statistics(model.perceptual, exemplars.hr)
        index = torch.arange(num, device=exemplars.hr.device) % len(exemplars)
        self.style_statistics = [(mean[index], std[index]) for mean, std in stats]

    def mixing_weight(self):
        return torch.sigmoid(self.alpha_logits)

    def loss(self, model, exemplars):
        feats = model.perceptual(model.decode(self.mixed_latents()))
        with torch.no_grad():
            source_feats = model.perceptual(model.decode(self.source_latents))
        weights = getattr(model, 'perceptual_layer_weights', None)
        return dict(loss_content=self.content_weight * content_loss(feats, source_feats, weights),
                    loss_style=self.style_weight * style_loss(feats, self.style_statistics, weights))


@MODELS.register_module()
class HardLatentMixing(LatentMixing):
    """Hard layer swap (Table 2, D): w^m takes w^t at ``target_layers``, w^s elsewhere.

    The paper's D "simply replac[es] the last three final layers of the latent
    representations between the source and target domain images". Which way
    the swap goes follows from sec. 4.2: G(w^m) must "inherit the target
    domain style from I^t", and StyleGAN's last (finest) layers carry the
    colour scheme and fine shading. So alpha is 0 (w^t) on the last three W+
    rows and 1 (w^s) on the others: a sampled source face keeps its identity
    and pose and takes the exemplar's finest styles.

    Args:
        target_layers (Sequence[int]): W+ rows taken from w^t (negative
            indices count from the last).
        degradation: See :class:`BaseAugmenter`.
        **kwargs: ``target_refine_steps``, ``target_refine_lr`` of :class:`LatentMixing`.
    """

    def __init__(self, target_layers=(-3, -2, -1), degradation=None, **kwargs):
        super().__init__(degradation, **kwargs)
        self.target_layers = tuple(int(i) for i in target_layers)

    def mixing_weight(self):
        num_latents = self.source_latents.shape[1]
        bad = [i for i in self.target_layers if not -num_latents <= i < num_latents]
        if bad:
            raise ValueError(f'HardLatentMixing target_layers {bad} outside the decoder\'s '
                             f'{num_latents} latents')
        alpha = torch.ones(num_latents, device=self.source_latents.device)
        alpha[list(self.target_layers)] = 0.0
        return alpha
