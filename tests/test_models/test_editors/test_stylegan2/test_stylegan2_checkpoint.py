"""Our decoder against the reference implementations (fixtures made by
tools/model_converters/make_stylegan2_fixtures.py from mmagic 1.2.0 and
rosinality/stylegan2-pytorch)."""
import argparse
import os.path as osp
import sys

import pytest
import torch

from dapfsr.models.editors.stylegan2 import (StyleGANDecoder, convert_stylegan2_state_dict,
                                    detect_stylegan2_layout, select_generator_state)
from dapfsr.utils import load_checkpoint_file
from conftest import REPO_ROOT as REPO

DATA = osp.join(REPO, 'tests', 'data', 'stylegan2')


def reference(name):
    return load_checkpoint_file(osp.join(DATA, f'{name}_outputs.pth'))


@torch.no_grad()
def draw_all(decoder, x):
    return dict(
        img_z=decoder(x['z'], injected_noise=x['noise']),
        img_wplus=decoder(x['wplus'], input_is_latent=True, injected_noise=x['noise']),
        img_truncation=decoder(x['z'], truncation=x['truncation'],
                               truncation_latent=x['truncation_latent'], injected_noise=x['noise']),
        img_mix=decoder([x['z'], x['z_mix']], inject_index=x['inject_index'],
                        injected_noise=x['noise']))


@pytest.mark.parametrize('name, layout', [('mmagic', 'mmagic'), ('rosinality', 'rosinality')])
def test_draws_the_reference_images(name, layout):
    x = reference(name)
    path = osp.join(DATA, f'{name}_generator.pth')
    assert detect_stylegan2_layout(select_generator_state(load_checkpoint_file(path))) == layout
    decoder = StyleGANDecoder(**x['config'], pretrained=dict(ckpt_path=path)).eval()
    for key, img in draw_all(decoder, x).items():
        assert img.shape == x[key].shape
        assert (img - x[key]).abs().max() <= 1e-4, key
    # the EMA generator was taken: the non-EMA one draws something else
    other = StyleGANDecoder(**x['config'], pretrained=dict(
        ckpt_path=path, prefix='generator' if name == 'mmagic' else 'g')).eval()
    assert (draw_all(other, x)['img_z'] - x['img_z']).abs().max() > 1e-2


def test_loading_a_release_computes_latent_statistics():
    """The release has no mu_w / sigma_w: loading computes them from its mapping. The
    references come from rosinality's own mapping, kept in the fixture: its W+ rows and its
    mean of 256 mapped w, for z the fixture script drew with one generator of seed 0."""
    x = reference('rosinality')
    decoder = StyleGANDecoder(**x['config'], pretrained=dict(
        ckpt_path=osp.join(DATA, 'rosinality_generator.pth')))
    batch, dim, rows = x['z'].shape[0], decoder.style_channels, decoder.num_latents
    gen = torch.Generator().manual_seed(0)  # make_stylegan2_fixtures.reference_inputs' draws
    assert torch.equal(torch.randn(batch, dim, generator=gen), x['z'])
    torch.randn(batch, dim, generator=gen)  # z_mix
    z_rows, z_mean = (torch.randn(n, dim, generator=gen) for n in (batch * rows, 256))
    with torch.no_grad():  # our mapping is rosinality's
        assert (decoder.style_mapping(z_rows) - x['wplus'].reshape(-1, dim)).abs().max() <= 1e-5
        reference_mean = decoder.style_mapping(z_mean).double()
    assert (reference_mean.mean(0) - x['truncation_latent'][0]).abs().max() <= 1e-5
    # mu_w, sigma_w: those of the mapped w, to within 5 standard errors: mu_w (10000 draws)
    # against rosinality's mean of 256, both against 40000 fresh draws of the mapping shown
    # to be rosinality's
    with torch.no_grad():
        w = decoder.style_mapping(torch.randn(40000, dim, generator=torch.Generator().manual_seed(7)))
    w = w.double()
    spread = w.std(0)
    mean, std = decoder.latent_mean.double(), decoder.latent_std.double()
    assert ((mean - x['truncation_latent'][0].double()).abs()
            < 5 * spread * (1 / 256 + 1 / 10000) ** 0.5).all()
    assert ((mean - w.mean(0)).abs() < 5 * spread * (1 / 40000 + 1 / 10000) ** 0.5).all()
    assert ((std / spread - 1).abs() < 5 * (1 / 80000 + 1 / 20000) ** 0.5).all()


def test_rosinality_training_checkpoint_with_its_options_loads(tmp_path):
    ckpt = load_checkpoint_file(osp.join(DATA, 'rosinality_generator.pth'))
    ckpt['args'] = argparse.Namespace(size=32, n_mlp=2)  # train.py pickles its options
    torch.save(ckpt, tmp_path / '000100.pt')
    x = reference('rosinality')
    decoder = StyleGANDecoder(**x['config'], pretrained=dict(ckpt_path=str(tmp_path / '000100.pt')))
    assert (draw_all(decoder.eval(), x)['img_z'] - x['img_z']).abs().max() <= 1e-4


def test_mmagic_key_renaming():
    state = {'style_mapping.1.linear.weight_orig': 0, 'convs.0.conv.weight_orig': 1,
             'convs.0.conv.style_modulation.linear.weight_orig': 2,
             'convs.0.conv.style_modulation.bias': 3, 'injected_noise_0': 4, 'w_avg': 5}
    assert convert_stylegan2_state_dict(state) == {
        'style_mapping.1.weight': 0, 'convs.0.conv.weight': 1,
        'convs.0.conv.style_modulation.weight': 2, 'convs.0.conv.style_modulation.bias': 3,
        'injected_noise_0': 4}


def test_wrong_architecture_names_the_file():
    path = osp.join(DATA, 'mmagic_generator.pth')
    with pytest.raises(ValueError, match=r'mmagic_generator\.pth does not fit'):
        StyleGANDecoder(32, style_channels=32, num_mlps=2, channels={4: 8, 8: 8, 16: 8, 32: 8},
                        pretrained=dict(ckpt_path=path))
    with pytest.raises(ValueError, match='not a StyleGAN2 generator'):
        detect_stylegan2_layout({'encoder.weight': torch.zeros(1)})


@pytest.mark.parametrize('name', ['mmagic', 'rosinality'])
def test_converter_tool_writes_a_self_describing_decoder_checkpoint(name, tmp_path):
    sys.path.insert(0, osp.join(REPO, 'tools', 'model_converters'))
    try:
        import stylegan2_to_dapfsr
    finally:
        sys.path.pop(0)
    dst = str(tmp_path / 'decoder.pth')
    stylegan2_to_dapfsr.main([osp.join(DATA, f'{name}_generator.pth'), dst, '--num-samples', '2000'])
    ckpt = load_checkpoint_file(dst)
    x = reference(name)
    cfg = ckpt['meta']['decoder_cfg']
    assert {key: cfg[key] for key in x['config']} == x['config'] and cfg['out_channels'] == 3
    decoder = StyleGANDecoder(**ckpt['meta']['decoder_cfg'])
    decoder.load_state_dict(ckpt['state_dict'])
    assert (draw_all(decoder, x)['img_wplus'] - x['img_wplus']).abs().max() <= 1e-4
    assert decoder.latent_std.min() > 0
