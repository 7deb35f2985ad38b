"""Adapted parameters saved on top of the source checkpoint, and loaded back."""
import os.path as osp

import pytest
import torch
from adaptation_helpers import TINY_MODEL, build_tiny_model, damma_cfg, make_exemplars

from dapfsr.adaptation import load_adapted_parameters, read_adapted_parameters, save_adapted_parameters
from dapfsr.adaptation.delta import file_sha256
from dapfsr.registry import MODELS


@pytest.fixture(scope='module')
def adapted(tmp_path_factory):
    """(adapted model, source checkpoint path, adapted-parameter path)."""
    root = tmp_path_factory.mktemp('delta')
    model = build_tiny_model()
    source = str(root / 'source.pth')
    torch.save(dict(state_dict=model.state_dict(), meta=dict(note='tiny')), source)
    MODELS.build(damma_cfg(outer_iters=1)).run(model, make_exemplars(), seed=0)
    path = str(root / 'adapted.pth')
    save_adapted_parameters(model, path, source, adaptation=damma_cfg())
    return model, source, path


def test_file_holds_only_phi_and_names_its_source(adapted):
    model, source, path = adapted
    raw = torch.load(path, weights_only=True)  # tensors and plain containers only
    state, meta = read_adapted_parameters(path)
    assert raw['meta'] == meta
    assert set(state) == {f'decoder.{n}' for n, _ in model.decoder.style_modulation_parameters()}
    assert meta['source_checkpoint'] == source and meta['source_sha256'] == file_sha256(source)
    assert meta['adapted_keys'] == sorted(state) and "'type': 'DAMMA'" in meta['adaptation']
    assert osp.getsize(path) < osp.getsize(source) / 10


def test_delta_on_the_source_reproduces_the_adapted_model_exactly(adapted):
    model, source, path = adapted
    torch.manual_seed(123)  # other random weights: everything must come from the files
    fresh = MODELS.build(TINY_MODEL).eval()
    fresh.load_state_dict(torch.load(source, weights_only=True)['state_dict'])
    meta = load_adapted_parameters(fresh, path, source_checkpoint=source)
    assert meta['source_checkpoint'] == source
    for key, value in model.state_dict().items():
        assert torch.equal(value, fresh.state_dict()[key]), key
    lr = torch.rand(3, 3, 8, 8) * 2 - 1
    with torch.no_grad():
        assert torch.equal(model(lr), fresh(lr))


def test_wrong_source_or_file_is_refused(adapted, tmp_path):
    model, source, path = adapted
    other = str(tmp_path / 'other.pth')
    torch.save(dict(state_dict={'x': torch.zeros(1)}), other)
    with pytest.raises(ValueError, match='adapted from'):
        load_adapted_parameters(build_tiny_model(), path, source_checkpoint=other)
    with pytest.raises(ValueError, match=f'{other} is not an adapted-parameter file'):
        load_adapted_parameters(build_tiny_model(), other)
    bigger = MODELS.build(dict(TINY_MODEL, decoder=dict(TINY_MODEL['decoder'], style_channels=32)))
    with pytest.raises(ValueError, match='does not fit this model'):
        load_adapted_parameters(bigger, path)
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        load_adapted_parameters(build_tiny_model(), str(tmp_path / 'missing.pth'))


def test_tensors_the_source_lacks_are_not_saved(tmp_path):
    # a published checkpoint may leave out the perceptual extractor, which loads its own weights
    model = build_tiny_model()
    source = str(tmp_path / 'published.pth')
    torch.save({k: v for k, v in model.state_dict().items() if not k.startswith('perceptual.')}, source)
    with torch.no_grad():
        model.decoder.to_rgb1.conv.style_modulation.bias.add_(1.0)
        model.perceptual.features[0].bias.add_(1.0)
    keys = save_adapted_parameters(model, str(tmp_path / 'adapted.pth'), source)
    assert keys == ['decoder.to_rgb1.conv.style_modulation.bias']


def test_an_adaptation_that_changed_nothing_is_an_error(tmp_path):
    from dapfsr.utils import CheckpointError
    model = build_tiny_model()
    source = str(tmp_path / 'source.pth')
    torch.save(dict(state_dict=model.state_dict()), source)
    with pytest.raises(CheckpointError, match='adapted nothing'):
        save_adapted_parameters(model, str(tmp_path / 'adapted.pth'), source)
    assert not osp.exists(tmp_path / 'adapted.pth')
