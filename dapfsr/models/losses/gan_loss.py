"""Losses of StyleGAN2 training (Karras et al., CVPR 2020), used to train the decoder G."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from dapfsr.registry import MODELS


@MODELS.register_module()
class NonSaturatingLogisticLoss(nn.Module):
    """StyleGAN's GAN loss (Goodfellow et al. 2014, non-saturating form).

    D minimises softplus(D(G(z))) + softplus(-D(x)); G minimises
    softplus(-D(G(z))). Logits are (N, 1).
    """

    def __init__(self, loss_weight=1.):
        super().__init__()
        self.loss_weight = loss_weight

    def discriminator_loss(self, real_logits, fake_logits):
        return self.loss_weight * (F.softplus(fake_logits).mean() + F.softplus(-real_logits).mean())

    def generator_loss(self, fake_logits):
        return self.loss_weight * F.softplus(-fake_logits).mean()


@MODELS.register_module()
class R1GradientPenalty(nn.Module):
    """R1 = E ||grad_x D(x)||^2 on real images (Mescheder et al. 2018), lazy.

    Computed every ``interval`` discriminator steps and weighted
    ``gamma / 2 * interval`` so that its average strength is gamma / 2 per
    step (StyleGAN2 sec. 3.1).
    """

    def __init__(self, gamma=10., interval=16):
        super().__init__()
        self.gamma = gamma
        self.interval = interval

    def forward(self, discriminator, real_imgs):
        """Returns (weighted loss, R1) for reals (N, C, H, W)."""
        real_imgs = real_imgs.detach().requires_grad_(True)
        logits = discriminator(real_imgs)
        grad, = torch.autograd.grad(logits.sum(), real_imgs, create_graph=True)
        r1 = grad.square().sum([1, 2, 3]).mean()
        # 0 * logits keeps D's last layers in the graph (DDP needs every parameter used).
        return self.gamma / 2 * self.interval * r1 + 0 * logits.mean(), r1.detach()


@MODELS.register_module()
class PathLengthRegularizer(nn.Module):
    """StyleGAN2 path length regularization: E (||J_w^T y|| - a)^2 (sec. 3.2).

    y ~ N(0, I) / sqrt(H W) image-space noise, J_w the Jacobian of the image
    w.r.t. the W+ latents, a an exponential moving average of the path
    lengths (a buffer, so it resumes). Computed every ``interval`` generator
    steps on a batch ``batch_shrink`` times smaller, weighted
    ``loss_weight * interval``.
    """

    def __init__(self, loss_weight=2., interval=4, decay=0.01, batch_shrink=2):
        super().__init__()
        self.loss_weight = loss_weight
        self.interval = interval
        self.decay = decay
        self.batch_shrink = batch_shrink
        self.register_buffer('mean_path_length', torch.zeros(()))

    def forward(self, fake_img, latent, generator=None):
        """fake_img (N, C, H, W) drawn from latent (N, L, D) -> (weighted loss, mean path length)."""
        noise = torch.randn(fake_img.shape, generator=generator, device=fake_img.device)
        noise = noise / math.sqrt(fake_img.shape[2] * fake_img.shape[3])
        grad, = torch.autograd.grad((fake_img * noise).sum(), latent, create_graph=True)
        path_lengths = grad.square().sum(2).mean(1).sqrt()
        target = self.mean_path_length.lerp(path_lengths.mean().detach(), self.decay)
        self.mean_path_length.copy_(target)
        penalty = (path_lengths - target).square().mean()
        return self.loss_weight * self.interval * penalty + 0 * fake_img[0, 0, 0, 0], \
            path_lengths.mean().detach()
