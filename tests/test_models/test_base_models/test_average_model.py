"""HalfLifeEMA against its formula, worked out by hand for a few steps."""
import pytest
import torch
from torch import nn

from dapfsr.models.base_models import HalfLifeEMA
from dapfsr.registry import MODELS


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(3))
        self.register_buffer('stat', torch.zeros(2))


# half-life 10 images; steps of 4, 4 and 2 images (10 in all):
#   no ramp-up:   beta = 0.5 ** (4 / 10), 0.5 ** (4 / 10), 0.5 ** (2 / 10)
#   ramp-up 0.5:  half-life min(10, 0.5 * 4) = 2, min(10, 0.5 * 8) = 4, min(10, 0.5 * 10) = 5
#                 beta = 0.5 ** (4 / 2) = 0.25, 0.5 ** (4 / 4) = 0.5, 0.5 ** (2 / 5)
BATCHES = (4, 4, 2)
BETAS = {None: (0.5 ** 0.4, 0.5 ** 0.4, 0.5 ** 0.2), 0.5: (0.25, 0.5, 0.5 ** 0.4)}


@pytest.mark.parametrize('rampup', [None, 0.5])
def test_average_follows_the_half_life_and_ramp_up_formula(rampup):
    net = Net()
    ema = MODELS.build(dict(type='HalfLifeEMA', model=net, half_life_kimg=0.01, rampup=rampup))
    assert isinstance(ema, HalfLifeEMA) and ema.module is not net
    expected, seen = torch.zeros(3), 0  # the average starts as the network at construction
    for step, (batch, beta) in enumerate(zip(BATCHES, BETAS[rampup])):
        with torch.no_grad():
            net.weight.copy_(torch.tensor([1., -2., 4.]) * (step + 1))
            net.stat.fill_(step + 10)
        seen += batch
        ema.update_parameters(net, num_images=batch, seen_images=seen)
        expected = beta * expected + (1 - beta) * net.weight.detach()
        assert ema.beta == pytest.approx(beta, rel=1e-12)
        assert torch.allclose(ema.module.weight, expected, rtol=1e-6, atol=1e-7), step
        assert torch.equal(ema.module.stat, net.stat)  # buffers are copied
        assert int(ema.steps) == step + 1
    assert not ema.module.weight.requires_grad
    assert set(ema.state_dict()) == {'steps', 'module.weight', 'module.stat'}


def test_images_seen_default_to_steps_times_batch():
    net = Net()
    with torch.no_grad():
        net.weight.fill_(1.)
    ema = HalfLifeEMA(net, half_life_kimg=0.01, rampup=0.5, batch_size=4)
    with torch.no_grad():
        net.weight.fill_(2.)
    ema.update_parameters(net)  # 4 images, 4 seen: beta 0.25
    ema.update_parameters(net)  # 4 images, 8 seen: beta 0.5
    assert torch.allclose(ema.module.weight, torch.full((3,), 2 - 0.25 * 0.5))
    with pytest.raises(ValueError, match='num_images'):
        HalfLifeEMA(net).update_parameters(net)
    with pytest.raises(ValueError, match='rampup'):
        HalfLifeEMA(net, rampup=0.)


def test_calling_the_average_calls_its_network():
    net = nn.Linear(2, 2)
    ema = HalfLifeEMA(net)
    x = torch.randn(4, 2)
    assert torch.equal(ema(x), net(x))
