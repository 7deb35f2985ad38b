"""Least-squares GAN loss (Mao et al., ICCV 2017), CPGAN's adversarial loss.

docs/baselines.md#cpgan-discriminator.
"""
import torch.nn as nn

from dapfsr.registry import MODELS


@MODELS.register_module()
class LeastSquaresGANLoss(nn.Module):
    """D minimises 0.5 (mean (D(x) - 1)^2 + mean D(G(z))^2); G minimises mean (D(G(z)) - 1)^2.

    Scores of any shape (e.g. (N, 1, h, w) patch maps), averaged over every element,
    as CPGAN's ``MSELoss`` against all-ones / all-zeros maps.
    """

    def __init__(self, loss_weight=1.):
        super().__init__()
        self.loss_weight = loss_weight

    def discriminator_loss(self, real_scores, fake_scores):
        return self.loss_weight * 0.5 * ((real_scores - 1).square().mean() + fake_scores.square().mean())

    def generator_loss(self, fake_scores):
        return self.loss_weight * (fake_scores - 1).square().mean()
