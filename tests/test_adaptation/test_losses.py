"""Eq. 6, 8 and 9 against hand-computed values."""
import torch

from dapfsr.adaptation import content_loss, feature_statistics, mix_latents, style_loss
from dapfsr.adaptation.augmenters import adaptive_instance_norm


def test_mix_latents_is_eq6_layer_by_layer():
    target = torch.zeros(2, 3, 4)
    source = torch.ones(2, 3, 4) * torch.tensor([2.0, 4.0, 8.0])[:, None]
    mixed = mix_latents(target, source, torch.tensor([0.0, 0.25, 1.0]))
    # w^m_i = (1 - alpha_i) w^t_i + alpha_i w^s_i
    assert torch.equal(mixed[:, 0], torch.zeros(2, 4))
    assert torch.equal(mixed[:, 1], torch.full((2, 4), 1.0))
    assert torch.equal(mixed[:, 2], torch.full((2, 4), 8.0))


def test_feature_statistics_are_per_channel_mean_and_std():
    feat = torch.tensor([[1.0, 3.0], [5.0, 7.0]]).reshape(1, 1, 2, 2).repeat(1, 2, 1, 1)
    feat[:, 1] *= 2
    mean, std = feature_statistics(feat, eps=0.0)
    torch.testing.assert_close(mean, torch.tensor([[4.0, 8.0]]))
    torch.testing.assert_close(std, torch.tensor([[5.0 ** 0.5, 20.0 ** 0.5]]))  # population std


def test_content_loss_sums_layer_mses():
    a = [torch.zeros(1, 2, 2, 2), torch.zeros(1, 1, 1, 1)]
    b = [torch.ones(1, 2, 2, 2), torch.full((1, 1, 1, 1), 3.0)]
    assert content_loss(a, b).item() == 1.0 + 9.0
    assert content_loss(a, b, layer_weights=[2.0, 0.5]).item() == 2.0 + 4.5  # Eq. 4's layer weights


def test_style_loss_compares_means_and_stds():
    torch.manual_seed(0)
    feat = torch.randn(3, 4, 5, 5)
    stats = [feature_statistics(feat)]
    assert style_loss([feat], stats).item() == 0.0
    shifted = feat + 2.0  # same std, every mean off by 2
    torch.testing.assert_close(style_loss([shifted], stats), torch.tensor(4.0))
    torch.testing.assert_close(style_loss([shifted], stats, layer_weights=[0.5]), torch.tensor(2.0))
    one = [(stats[0][0][:1], stats[0][1][:1])]  # a single exemplar broadcasts over the batch
    assert style_loss([feat[:1].expand(3, -1, -1, -1)], one).item() == 0.0


def test_adaptive_instance_norm_takes_the_style_statistics():
    torch.manual_seed(0)
    content = torch.randn(2, 3, 8, 8) * 3 + 1
    style_mean, style_std = torch.randn(2, 3), torch.rand(2, 3) + 0.5
    mean, std = feature_statistics(adaptive_instance_norm(content, style_mean, style_std))
    torch.testing.assert_close(mean, style_mean, atol=1e-5, rtol=0)
    torch.testing.assert_close(std, style_std, atol=1e-4, rtol=1e-4)
