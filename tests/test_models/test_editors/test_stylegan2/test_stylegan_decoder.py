import copy

import numpy as np
import pytest
import torch

from dapfsr.models.editors.stylegan2 import StyleGANDecoder
from dapfsr.models.editors.stylegan2.stylegan2_modules import ModulatedConv2d
from dapfsr.registry import MODELS
from dapfsr.utils import load_checkpoint_file

TINY = dict(style_channels=16, num_mlps=2, channels={4: 16, 8: 16, 16: 8, 32: 8, 64: 4})


def tiny_decoder(out_size=32, seed=0):
    torch.manual_seed(seed)
    decoder = MODELS.build(dict(type='StyleGANDecoder', out_size=out_size, **TINY)).eval()
    with torch.no_grad():  # noise strengths are 0 at init; make the noise matter
        for name, param in decoder.named_parameters():
            if 'noise_injector' in name:
                param.fill_(0.3)
    return decoder


@pytest.mark.parametrize('out_size', [16, 32, 64])
def test_output_shape_and_number_of_latents(out_size):
    decoder = tiny_decoder(out_size)
    assert decoder.num_latents == 2 * {16: 4, 32: 5, 64: 6}[out_size] - 2
    out = decoder(torch.randn(2, 16), return_latents=True)
    assert out['fake_img'].shape == (2, 3, out_size, out_size)
    assert out['latent'].shape == (2, decoder.num_latents, 16)
    assert torch.isfinite(out['fake_img']).all()


def test_default_channel_table_is_mmagics():
    decoder = StyleGANDecoder(128, style_channels=8, num_mlps=1, channel_multiplier=1)
    assert decoder.channels == {4: 512, 8: 512, 16: 512, 32: 512, 64: 256, 128: 128}


def test_wplus_of_a_repeated_w_equals_w_and_distinct_rows_differ():
    decoder = tiny_decoder()
    w = decoder.style_mapping(torch.randn(2, 16))
    from_w = decoder(w, input_is_latent=True, randomize_noise=False)
    from_z_path = decoder(w[:, None].repeat(1, decoder.num_latents, 1), input_is_latent=True,
                          randomize_noise=False)
    assert torch.equal(from_w, from_z_path)
    distinct = w[:, None].repeat(1, decoder.num_latents, 1)
    distinct[:, -1] = decoder.style_mapping(torch.randn(2, 16))  # the last to_rgb row
    changed = decoder(distinct, input_is_latent=True, randomize_noise=False)
    assert (changed - from_w).abs().max() > 1e-3


def test_noise_fixed_buffers_vs_random_and_explicit():
    """Each noise source is the one asked for, checked against another route to the same
    maps: the fixed buffers are what randomize_noise=False draws with (the buffers passed
    explicitly; changed buffers change it); explicit maps are used (a decoder whose buffers
    hold those maps draws the same); zero maps equal zero noise strengths; fresh noise is
    fresh on every call."""
    import copy
    decoder = tiny_decoder()
    z = torch.randn(2, 16)
    with torch.no_grad():
        fixed = decoder(z, randomize_noise=False)
        assert torch.equal(fixed, decoder(z, injected_noise=list(decoder.injected_noise)))
        moved = copy.deepcopy(decoder)
        moved.injected_noise_3.add_(1.0)
        assert (moved(z, randomize_noise=False) - fixed).abs().max() > 1e-3
        noise = decoder.make_injected_noise(2, generator=torch.Generator().manual_seed(1))
        explicit = decoder(z, injected_noise=noise)
        holder = copy.deepcopy(decoder)
        for i, maps in enumerate(noise):  # the maps as fixed buffers (one per sample: per call)
            getattr(holder, f'injected_noise_{i}').data = maps
        assert torch.allclose(explicit, holder(z, randomize_noise=False), atol=1e-6)
        assert (explicit - fixed).abs().max() > 1e-3
        silent = copy.deepcopy(decoder)
        for name, param in silent.named_parameters():
            if 'noise_injector' in name:
                param.zero_()
        zeros = [torch.zeros_like(maps) for maps in noise]
        assert torch.allclose(decoder(z, injected_noise=zeros), silent(z), atol=1e-6)
        fresh = [decoder(z) for _ in range(2)]
        assert (fresh[0] - fresh[1]).abs().max() > 1e-3 and (fresh[0] - fixed).abs().max() > 1e-3


def test_style_mixing_takes_rows_from_both_codes():
    decoder = tiny_decoder()
    z1, z2 = torch.randn(2, 16), torch.randn(2, 16)
    latent = decoder([z1, z2], inject_index=3, return_latents=True)['latent']
    w1, w2 = decoder.style_mapping(z1), decoder.style_mapping(z2)
    assert torch.allclose(latent[:, :3], w1[:, None].expand(-1, 3, -1))
    assert torch.allclose(latent[:, 3:], w2[:, None].expand(-1, decoder.num_latents - 3, -1))


def test_truncation_zero_draws_the_mean_latent():
    decoder = tiny_decoder()
    decoder.update_latent_statistics(500, generator=torch.Generator().manual_seed(0))
    out = decoder(torch.randn(2, 16), truncation=0., randomize_noise=False)
    mean = decoder(decoder.latent_mean[None], input_is_latent=True, randomize_noise=False)
    assert torch.allclose(out, mean.expand(2, -1, -1, -1), atol=1e-5)


def test_latent_statistics_are_those_of_mapped_z_and_round_trip_a_checkpoint(tmp_path):
    decoder = tiny_decoder()
    mean, std = decoder.update_latent_statistics(4000, generator=torch.Generator().manual_seed(0))
    # the same 4000 z (one batch), mapped, their mean and unbiased std computed here in numpy
    z = torch.randn(4000, 16, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        w = decoder.style_mapping(z).double().numpy()
    assert np.allclose(mean.numpy(), w.mean(0), rtol=0, atol=1e-6)
    assert np.allclose(std.numpy(), w.std(0, ddof=1), rtol=1e-6, atol=0)
    # a mapping whose law is known, w = A z + b: mean b, std |A_i| (the norm of row i), to
    # within 5 standard errors of 20000 draws
    known = copy.deepcopy(decoder)
    known.style_mapping = torch.nn.Linear(16, 16)
    a, b = known.style_mapping.weight.detach().double(), known.style_mapping.bias.detach().double()
    m, sd = known.mapping_statistics(20000, generator=torch.Generator().manual_seed(3))
    assert ((m - b).abs() < 5 * a.norm(dim=1) / 20000 ** 0.5).all()
    assert ((sd / a.norm(dim=1) - 1).abs() < 5 / (2 * 20000) ** 0.5).all()
    torch.save(dict(state_dict=decoder.state_dict()), tmp_path / 'decoder.pth')
    restored = tiny_decoder(seed=1)
    assert not torch.equal(restored.latent_mean, mean)
    restored.load_state_dict(load_checkpoint_file(str(tmp_path / 'decoder.pth'))['state_dict'])
    assert torch.equal(restored.latent_mean, mean) and torch.equal(restored.latent_std, std)
    built = StyleGANDecoder(32, **TINY, pretrained=dict(ckpt_path=str(tmp_path / 'decoder.pth')))
    assert torch.equal(built.latent_std, std)


def test_sample_source_latents_follow_mu_and_sigma():
    decoder = tiny_decoder()
    decoder.latent_mean.fill_(2.)
    decoder.latent_std.fill_(0.5)
    w = decoder.sample_source_latents(3000, generator=torch.Generator().manual_seed(0))
    assert w.shape == (3000, decoder.num_latents, 16)
    assert torch.equal(w[:, 0], w[:, -1])  # one mapped-like w per sample
    assert abs(w.mean().item() - 2.) < 0.02 and abs(w[:, 0].std().item() - 0.5) < 0.02


def test_style_modulation_parameters_are_exactly_the_adain_affines():
    decoder = tiny_decoder()
    named = decoder.style_modulation_parameters()
    convs = [m for m in decoder.modules() if isinstance(m, ModulatedConv2d)]
    assert len(convs) == 1 + 1 + 3 * 3  # conv1, to_rgb1, and per block 2 convs + to_rgb
    expected = {id(p) for m in convs for p in (m.style_modulation.weight, m.style_modulation.bias)}
    assert {id(p) for _, p in named} == expected and len(named) == len(expected)
    by_name = dict(decoder.named_parameters())
    for name, param in named:
        assert by_name[name] is param and '.style_modulation.' in name
    others = [n for n, p in decoder.named_parameters() if id(p) not in expected]
    assert any(n.endswith('conv.weight') for n in others) and any('style_mapping' in n for n in others)


def test_gradient_reaches_style_modulation_only_parameters_when_others_frozen():
    decoder = tiny_decoder()
    decoder.requires_grad_(False)
    for _, param in decoder.style_modulation_parameters():
        param.requires_grad_(True)
    decoder(torch.randn(2, 16)).square().mean().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0
               for _, p in decoder.style_modulation_parameters())


@pytest.mark.parametrize('kwargs, match', [
    (dict(out_size=48), 'power of two'),
    (dict(out_size=32, channels={4: 8, 8: 8, 16: 8}), r'lacks resolutions \[32\]'),
])
def test_bad_arguments_give_clear_errors(kwargs, match):
    with pytest.raises((ValueError, KeyError), match=match):
        StyleGANDecoder(style_channels=8, num_mlps=1, **kwargs)


def test_bad_latent_shapes_give_clear_errors():
    decoder = tiny_decoder()
    with pytest.raises(ValueError, match=r'expected \(N, 16\)'):
        decoder(torch.randn(2, 15))
    with pytest.raises(ValueError, match=r'W\+ \(N, 8, 16\)'):
        decoder(torch.randn(2, 5, 16), input_is_latent=True)
    with pytest.raises(ValueError, match='needs 7'):
        decoder(torch.randn(2, 16), injected_noise=[None] * 3)
