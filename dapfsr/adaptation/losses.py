"""Losses of the deployment stage: Eq. 8 (content) and Eq. 9 (style) of the mixing weight.

The paper writes ||.||_2 for every loss; it names Eq. 3's the "MSE" loss, so
all of them are implemented as mean squared errors, summed over the layers of
the perceptual extractor F with the per-layer weights of Eq. 4 (the model's
``perceptual_layer_weights``: equal in the paper profile; in the small profile
they scale each EfficientNet layer to a relative error).
"""
import torch
import torch.nn.functional as F

from dapfsr.models.archs import feature_statistics
from dapfsr.models.losses.perceptual import check_layer_weights


def content_loss(feats, target_feats, layer_weights=None):
    """Eq. 8: L_c = sum_l lambda_l MSE(F_l(G(w^m)), F_l(G(w^s))); lists of (N, C, H, W) maps."""
    weights = check_layer_weights(layer_weights, len(feats))
    return sum(w * F.mse_loss(f, t) for w, f, t in zip(weights, feats, target_feats))


def style_loss(feats, target_statistics, layer_weights=None):
    """Eq. 9: L_s = sum_l lambda_l [MSE(mu_l(F(G(w^m))), mu_l(F(I^t))) + MSE(sigma_l(.), sigma_l(.))].

    mu and sigma are the per-channel mean and standard deviation of each map
    (the paper says "mean and variance"; its sigma, as in AdaIN's style loss,
    is the standard deviation).

    Args:
        feats (list[Tensor]): F(G(w^m)), (N, C_l, H_l, W_l) per layer.
        target_statistics (list[tuple[Tensor, Tensor]]): (mu, sigma) of the
            exemplar's maps per layer, (N, C_l) each (the exemplar that each
            generated face is styled after) or (1, C_l) to broadcast.
        layer_weights (Sequence[float], optional): lambda_l; None: all 1.
    """
    total = 0.
    for weight, feat, (mean_t, std_t) in zip(check_layer_weights(layer_weights, len(feats)), feats,
                                              target_statistics):
        mean, std = feature_statistics(feat)
        total = total + weight * (F.mse_loss(mean, mean_t.expand_as(mean)) +
                                  F.mse_loss(std, std_t.expand_as(std)))
    return total


def exemplar_statistics(perceptual, exemplar_hr):
    """(mu, sigma) per layer of F(I^t) for K exemplar faces (K, C, H, W) in [-1, 1]."""
    with torch.no_grad():
        return [feature_statistics(f) for f in perceptual(exemplar_hr)]
