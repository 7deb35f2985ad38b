"""dapfsr.apis.adapt: DAMMA from exemplar files, through the Python API."""
import cv2
import numpy as np
import pytest
import torch

from dapfsr.apis import adapt
from conftest import HR_SIZE, LR_SIZE

DAMMA = dict(type='DAMMA', outer_iters=1, inner_iters=2, batch_size=2, lr_alpha=0.1, lr_phi=0.01,
             degradation=[dict(type='RandomFaceAffine', preset='moderate'),
                          dict(type='MatlabResize', keys=['lr'], size=LR_SIZE)], log_interval=100)


def face_file(path, size, seed):
    cv2.imwrite(str(path), np.random.default_rng(seed).integers(0, 256, (size, size, 3), np.uint8))
    return str(path)


def adapted_phi(build_tiny_model, hr, lr=None, seed=0):
    model = build_tiny_model()
    history = adapt(model, hr, lr, adaptation=DAMMA, seed=seed)
    assert len(history) == 2  # one record per inner iteration
    return model, torch.cat([p.detach().flatten() for _, p in model.decoder.style_modulation_parameters()])


def test_adapt_from_files_changes_phi_deterministically(tmp_path, build_tiny_model):
    hr = face_file(tmp_path / 'hr.png', HR_SIZE, 0)
    source = torch.cat([p.detach().flatten() for _, p in build_tiny_model().decoder.style_modulation_parameters()])
    model, phi = adapted_phi(build_tiny_model, hr)
    assert not torch.equal(phi, source)
    assert torch.equal(adapted_phi(build_tiny_model, hr)[1], phi)  # same seed, same phi
    lr = face_file(tmp_path / 'lr.png', LR_SIZE, 1)
    assert not torch.equal(adapted_phi(build_tiny_model, [hr], [lr])[1], phi)  # the given LR face is used
    encoder = build_tiny_model().encoder.state_dict()
    assert all(torch.equal(v, model.encoder.state_dict()[k]) for k, v in encoder.items())


def test_adapt_needs_settings_and_names_bad_files(tmp_path, build_tiny_model):
    model = build_tiny_model()
    with pytest.raises(ValueError, match='no adaptation settings'):
        adapt(model, face_file(tmp_path / 'hr.png', HR_SIZE, 0))
    with pytest.raises(Exception, match='missing.png'):
        adapt(model, str(tmp_path / 'missing.png'), adaptation=DAMMA)
