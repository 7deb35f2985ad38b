"""Adapted parameters saved on top of the source checkpoint, and loaded back."""
import os.path as osp

import pytest
import torch
from adaptation_helpers import TINY_MODEL, damma_cfg, make_exemplars

from dapfsr.adaptation import load_adapted_parameters, read_adapted_parameters, save_adapted_parameters
from dapfsr.adaptation.delta import file_sha256
from dapfsr.registry import ADAPTATIONS, MODELS


@pytest.fixture(scope='module')
def adapted(tmp_path_factory, build_tiny_model):
    """(adapted model, source checkpoint path, adapted-parameter path)."""
    root = tmp_path_factory.mktemp('delta')
    model = build_tiny_model()
    source = str(root / 'source.pth')
    torch.save(dict(state_dict=model.state_dict(), meta=dict(note='tiny')), source)
    ADAPTATIONS.build(damma_cfg(outer_iters=1)).run(model, make_exemplars(), seed=0)
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


def test_wrong_source_or_file_is_refused(adapted, tmp_path, build_tiny_model):
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


def test_tensors_the_source_lacks_are_not_saved(tmp_path, build_tiny_model):
    # a published checkpoint may leave out the perceptual extractor, which loads its own weights
    model = build_tiny_model()
    source = str(tmp_path / 'published.pth')
    torch.save({k: v for k, v in model.state_dict().items() if not k.startswith('perceptual.')}, source)
    with torch.no_grad():
        model.decoder.to_rgb1.conv.style_modulation.bias.add_(1.0)
        model.perceptual.features[0].bias.add_(1.0)
    keys = save_adapted_parameters(model, str(tmp_path / 'adapted.pth'), source)
    assert keys == ['decoder.to_rgb1.conv.style_modulation.bias']


def test_an_adaptation_that_changed_nothing_is_an_error(tmp_path, build_tiny_model):
    from dapfsr.utils import CheckpointError
    model = build_tiny_model()
    source = str(tmp_path / 'source.pth')
    torch.save(dict(state_dict=model.state_dict()), source)
    with pytest.raises(CheckpointError, match='adapted nothing'):
        save_adapted_parameters(model, str(tmp_path / 'adapted.pth'), source)
    assert not osp.exists(tmp_path / 'adapted.pth')


def rewrite(path, out, edit):
    """A copy of the delta file ``path`` with ``edit(data)`` applied, as a damaged or
    hand-made file would be."""
    data = torch.load(path, weights_only=True)
    edit(data)
    torch.save(data, out)
    return str(out)


DAMAGED = [  # (fault, edit of the file's dict, what the one-line error says)
    ('a format version this code does not know', lambda d: d['meta'].update(version=99),
     'of format version 99, which this dapfsr does not read'),
    ('zero tensors', lambda d: (d['state_dict'].clear(), d['meta'].update(adapted_keys=[])),
     'holds no adapted tensors'),
    ('no source_sha256', lambda d: d['meta'].pop('source_sha256'),
     r'does not record the checkpoint it was adapted from \(meta.source_sha256 missing\)'),
    ('no record of the decoder it was adapted on', lambda d: d['meta'].pop('base_sha256'),
     r'does not record the state it was adapted on \(meta.base_sha256 missing\)'),
    ('tensors other than its keys', lambda d: d['meta'].update(adapted_keys=d['meta']['adapted_keys'][1:]),
     'its tensors are not those its meta.adapted_keys lists'),
]


@pytest.mark.parametrize('edit,message', [d[1:] for d in DAMAGED], ids=[d[0] for d in DAMAGED])
def test_a_damaged_or_unknown_file_is_one_line_error_naming_it(adapted, tmp_path, edit, message, build_tiny_model):
    """Checked whole when read: before, version 99 with zero tensors loaded (every face the
    source's) and a file without source_sha256 was a KeyError traceback."""
    from dapfsr.utils import CheckpointError
    _, source, path = adapted
    bad = rewrite(path, tmp_path / 'bad.pth', edit)
    for load in (lambda: read_adapted_parameters(bad),
                 lambda: load_adapted_parameters(build_tiny_model(), bad, source_checkpoint=source)):
        with pytest.raises(CheckpointError, match=message) as err:
            load()
        assert str(err.value).startswith(bad) and '\n' not in str(err.value)


def published_with_decoder_file(build_tiny_model, tmp_path, model, decoder_seed):
    """A DAP-FSR model as the committed checkpoints are: the checkpoint without the decoder,
    the decoder from a file of its own (``model.decoder_checkpoint``); ``decoder_seed``
    picks the decoder file's weights."""
    source = str(tmp_path / 'published.pth')
    torch.save(dict(state_dict={k: v for k, v in model.state_dict().items()
                                if not k.startswith('decoder.')}), source)
    decoder = build_tiny_model(seed=decoder_seed).decoder
    built = MODELS.build(TINY_MODEL).eval()
    built.load_state_dict(torch.load(source, weights_only=True)['state_dict'], strict=False)
    built.decoder.load_state_dict(decoder.state_dict())
    return built, source


def test_a_model_with_another_decoder_is_refused(tmp_path, build_tiny_model):
    """The delta's tensors sit on the decoder, which the checkpoint does not hold: the
    decoder it was adapted on is recorded and checked (before, another decoder was taken
    silently: PSNR 16.77 instead of 20.51)."""
    from dapfsr.utils import CheckpointError
    model, source = published_with_decoder_file(build_tiny_model, tmp_path, build_tiny_model(), decoder_seed=0)
    reference = {k: v.clone() for k, v in model.state_dict().items()}
    with torch.no_grad():
        for _, param in model.decoder.style_modulation_parameters():
            param.add_(0.1)
    path = str(tmp_path / 'adapted.pth')
    save_adapted_parameters(model, path, source, reference_state=reference)
    meta = read_adapted_parameters(path)[1]
    assert meta['version'] == 2 and meta['base_modules'] == ['decoder']
    (tmp_path / 'same').mkdir()
    same, _ = published_with_decoder_file(build_tiny_model, tmp_path / 'same', build_tiny_model(), decoder_seed=0)
    load_adapted_parameters(same, path, source_checkpoint=source)  # the decoder it was adapted on
    lr = torch.rand(2, 3, 8, 8) * 2 - 1
    with torch.no_grad():
        assert torch.equal(same(lr), model(lr))
    other, _ = published_with_decoder_file(build_tiny_model, tmp_path, build_tiny_model(), decoder_seed=1)
    with pytest.raises(CheckpointError, match='was adapted on another decoder than this model has'):
        load_adapted_parameters(other, path, source_checkpoint=source)
    # one changed value of the decoder, outside the adapted tensors, is another decoder too
    nudged, _ = published_with_decoder_file(build_tiny_model, tmp_path, build_tiny_model(), decoder_seed=0)
    with torch.no_grad():
        nudged.decoder.constant_input.input.view(-1)[0] += 1e-3
    with pytest.raises(CheckpointError, match='another decoder'):
        load_adapted_parameters(nudged, path, source_checkpoint=source)


def test_a_version_1_file_loads_with_a_warning_that_the_decoder_is_unchecked(adapted, tmp_path, build_tiny_model):
    from mmengine.logging import MMLogger
    model, source, path = adapted
    old = rewrite(path, tmp_path / 'v1.pth', lambda d: (
        d['meta'].update(version=1), d['meta'].pop('base_sha256'), d['meta'].pop('base_modules')))
    fresh = build_tiny_model()
    warnings = []
    logger = MMLogger.get_current_instance()
    original = logger.log
    logger.log = lambda level, msg, *a, **k: warnings.append(msg)
    try:
        load_adapted_parameters(fresh, old, source_checkpoint=source)
    finally:
        logger.log = original
    assert any('does not record the decoder it was adapted on' in w for w in warnings), warnings
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in fresh.state_dict().items())
