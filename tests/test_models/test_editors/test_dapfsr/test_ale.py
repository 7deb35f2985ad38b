import pytest
import torch

from dapfsr.registry import MODELS


@pytest.mark.parametrize('size', [1, 5, 8])
def test_ale_outputs_one_latent_and_channel_attention(size):
    ale = MODELS.build(dict(type='AdaptiveLatentEncoding', in_channels=24, in_size=size,
                            out_channels=10, hidden_channels=16, reduction=4))
    context = torch.randn(3, 24, size, size)
    attention = ale.attention(context)
    assert attention.shape == (3, 24)
    assert bool(((attention > 0) & (attention < 1)).all())
    assert ale(context).shape == (3, 10)


def test_ale_attention_weighs_the_context_channels():
    torch.manual_seed(0)
    ale = MODELS.build(dict(type='AdaptiveLatentEncoding', in_channels=8, in_size=4,
                            out_channels=6, hidden_channels=8, reduction=2))
    context = torch.randn(2, 8, 4, 4)
    # saturate the attention to "off" for channels 4..7: they must stop mattering
    with torch.no_grad():
        ale.attention_mlp[2].weight.zero_()
        ale.attention_mlp[2].bias.copy_(torch.tensor([30.] * 4 + [-30.] * 4))
    changed = context.clone()
    changed[:, 4:] += 5 * torch.randn(2, 4, 4, 4)
    changed_kept = context.clone()
    changed_kept[:, :4] += 5 * torch.randn(2, 4, 4, 4)
    assert torch.allclose(ale(changed), ale(context), atol=1e-6)
    assert not torch.allclose(ale(changed_kept), ale(context), atol=1e-3)
