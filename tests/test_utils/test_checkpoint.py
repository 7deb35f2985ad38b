"""Checkpoints under torch >= 2.6: mmengine's own types load with weights_only on, others do not."""
import pickle

import pytest
import torch

from dapfsr.utils import CheckpointError, load_checkpoint_file, state_dict_from_checkpoint
from dapfsr.utils.checkpoint import load_state_dict_checked


def test_torch_defaults_to_weights_only(tmp_path, line_dataset):
    # The premise of the fix: torch.load without arguments refuses arbitrary pickles.
    path = tmp_path / 'evil.pth'
    torch.save({'meta': line_dataset}, path)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path)


def test_runner_checkpoint_resumes_with_weights_only(tmp_path, make_runner):
    uninterrupted = make_runner(tmp_path / 'full', 6)
    uninterrupted.train()
    first = make_runner(tmp_path / 'split', 3)
    first.train()
    ckpt = load_checkpoint_file(str(tmp_path / 'split' / 'iter_3.pth'))
    # mmengine writes its HistoryBuffer and numpy objects into meta: they loaded.
    assert ckpt['meta']['iter'] == 3 and 'message_hub' in ckpt
    resumed = make_runner(tmp_path / 'split', 6, resume=True)
    resumed.train()
    assert resumed.iter == 6
    for a, b in zip(uninterrupted.model.parameters(), resumed.model.parameters()):
        torch.testing.assert_close(a, b)


def test_checkpoint_with_arbitrary_object_is_refused(tmp_path, make_runner, line_dataset):
    runner = make_runner(tmp_path / 'w', 3)
    runner.train()
    ckpt = torch.load(tmp_path / 'w' / 'iter_3.pth')
    ckpt['meta']['payload'] = line_dataset  # any class outside the allow-list
    evil = tmp_path / 'w' / 'evil.pth'
    torch.save(ckpt, evil)
    with pytest.raises(ValueError, match='evil.pth'):
        load_checkpoint_file(str(evil))
    resumed = make_runner(tmp_path / 'w', 6, resume=False)
    with pytest.raises(CheckpointError, match='evil.pth'):  # mmengine's loader is ours
        resumed.resume(str(evil))


def test_missing_and_corrupt_checkpoints_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        load_checkpoint_file(str(tmp_path / 'nope.pth'))
    bad = tmp_path / 'truncated.pth'
    bad.write_bytes(b'PK\x03\x04 not a zip')
    with pytest.raises(ValueError, match='truncated.pth'):
        load_checkpoint_file(str(bad))


def test_state_dict_from_checkpoint_prefixes():
    w = torch.zeros(2)
    assert state_dict_from_checkpoint({'state_dict': {'a.x': w}}, 'a') == {'x': w}
    assert state_dict_from_checkpoint({'g_ema': {'x': w}, 'd': {}}, 'g_ema') == {'x': w}
    with pytest.raises(KeyError, match='generator_ema'):
        state_dict_from_checkpoint({'state_dict': {'a.x': w}}, 'generator_ema')


class _GetattrPayload:
    """Pickles as getattr(owner, name), the form HistoryBuffer's statistics take."""

    def __init__(self, owner, name):
        self.owner, self.name = owner, name

    def __reduce__(self):
        return getattr, (self.owner, self.name)


def test_getattr_in_checkpoints_resolves_only_history_buffer_statistics(tmp_path):
    import numpy as np
    from mmengine.logging.history_buffer import HistoryBuffer
    good = tmp_path / 'good.pth'
    torch.save({'m': _GetattrPayload(HistoryBuffer, 'mean')}, good)
    assert load_checkpoint_file(str(good))['m'] is HistoryBuffer.mean
    for owner, name in [(np.ndarray, 'tofile'), (HistoryBuffer, '__init__')]:
        bad = tmp_path / f'{name}.pth'
        torch.save({'m': _GetattrPayload(owner, name)}, bad)
        with pytest.raises(ValueError, match='refusing getattr'):
            load_checkpoint_file(str(bad))


class _OpensAFile:
    """Unpickles as open(marker, 'w'): code run by loading, if a loader lets it."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return open, (self.marker, 'w')


def test_weights_only_is_forced_even_with_torch_force_no_weights_only_load(tmp_path, monkeypatch, make_runner):
    from mmengine.runner.checkpoint import _load_checkpoint

    from dapfsr.engine import DapfsrRunner
    marker = tmp_path / 'payload_ran'
    evil = tmp_path / 'evil.pth'
    torch.save({'state_dict': {}, 'meta': {'x': _OpensAFile(str(marker))}}, evil)
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    runner = make_runner(tmp_path / 'w', 3, runner_type=DapfsrRunner)
    for load in (load_checkpoint_file,  # our tools and APIs
                 _load_checkpoint,  # mmengine's load_checkpoint / load_from
                 runner.load_checkpoint, runner.resume):  # tools/test.py, train.py --resume
        with pytest.raises(CheckpointError, match='evil.pth'):
            load(str(evil))
    assert not marker.exists()
    torch.load(evil)  # the premise: torch alone, under that variable, runs the payload
    assert marker.exists()


def test_load_state_dict_checked_allows_only_the_named_missing_keys():
    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3))
    state = {k: torch.full_like(v, 7) for k, v in model.state_dict().items()
             if not k.endswith('num_batches_tracked')}
    with pytest.raises(CheckpointError, match=r'file.pth does not fit Sequential: keys 1 missing '
                                              r'\(1.num_batches_tracked\)'):
        load_state_dict_checked(model, state, 'file.pth')
    assert model[0].weight.ne(7).all()  # nothing loaded on a misfit
    load_state_dict_checked(model, state, 'file.pth', allow_missing=('*num_batches_tracked', ))
    assert model[0].weight.eq(7).all() and model[1].running_var.eq(7).all()
    assert model[1].num_batches_tracked == 0  # kept as built
    # an allowed-missing pattern does not let anything else through
    del state['0.bias']
    state['2.weight'] = torch.zeros(1)
    with pytest.raises(CheckpointError, match=r'f.pth does not fit the two layers: keys 1 missing '
                                              r'\(0.bias\); 1 unexpected \(2.weight\)'):
        load_state_dict_checked(model, state, 'f.pth', allow_missing='*num_batches_tracked',
                                what='the two layers')


def test_model_types_accept_a_registered_subclass_of_the_trained_type():
    """A user's DAPFSR subclass (e.g. one more loss term, docs/add_component.md) loads a DAPFSR
    checkpoint; a sibling type, or the parent given a subclass's file, is another model."""
    from dapfsr.models.editors import DAPFSR
    from dapfsr.registry import MODELS
    from dapfsr.utils.checkpoint import check_model_types

    class DAPFSRSubclassOfTheTest(DAPFSR):
        pass

    MODELS.register_module(module=DAPFSRSubclassOfTheTest)
    try:
        file = {'meta': {'model_types': {'': 'DAPFSR', 'encoder': 'DAPEncoder'}}}
        check_model_types(file, dict(type='DAPFSRSubclassOfTheTest', encoder=dict(type='DAPEncoder'),
                                     extra_loss=dict(type='LeastSquaresGANLoss')), 'f.pth')
        with pytest.raises(CheckpointError, match=r'model: DAPFSR in the file, BicubicUpsampler in the config'):
            check_model_types(file, dict(type='BicubicUpsampler'), 'f.pth')
        with pytest.raises(CheckpointError, match=r'encoder: DAPEncoder in the file, ResNetBackbone'):
            check_model_types(file, dict(type='DAPFSRSubclassOfTheTest', encoder=dict(type='ResNetBackbone')),
                              'f.pth')
        with pytest.raises(CheckpointError, match='DAPFSRSubclassOfTheTest in the file, DAPFSR in the config'):
            check_model_types({'meta': {'model_types': {'': 'DAPFSRSubclassOfTheTest'}}}, dict(type='DAPFSR'),
                              'f.pth')
    finally:
        MODELS.module_dict.pop('DAPFSRSubclassOfTheTest')
