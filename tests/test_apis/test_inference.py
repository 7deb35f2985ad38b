"""init_model / super_resolve on a tiny model and real faces."""
import glob
import os.path as osp

import cv2
import numpy as np
import pytest
import torch

from dapfsr.apis import init_model, prepare_lr_face, super_resolve
from dapfsr.utils import CheckpointError
from conftest import HR_SIZE, LR_SIZE, TINY_MODEL


def write_setup(build_tiny_model, tmp_path, drop=(), meta=dict(iter=1), state=None):
    config = tmp_path / 'tiny.py'
    config.write_text(f'model = {TINY_MODEL!r}\nscale_lr = {LR_SIZE}\n')
    if state is None:
        state = {k: v for k, v in build_tiny_model().state_dict().items() if not k.startswith(drop)}
    checkpoint = tmp_path / 'tiny.pth'
    torch.save(dict(state_dict=state, meta=meta), checkpoint)
    return str(config), str(checkpoint)


def test_init_model_reproduces_the_checkpoint(tmp_path, build_tiny_model):
    config, checkpoint = write_setup(build_tiny_model, tmp_path)
    model = init_model(config, checkpoint)
    reference = build_tiny_model()
    lr = torch.rand(2, 3, LR_SIZE, LR_SIZE) * 2 - 1
    with torch.no_grad():
        torch.testing.assert_close(model(lr), reference(lr))
    assert not model.training


def test_init_model_accepts_only_self_loading_modules_missing(tmp_path, build_tiny_model):
    config, checkpoint = write_setup(build_tiny_model, tmp_path, drop=('perceptual.', ))
    init_model(config, checkpoint)  # the perceptual extractor loads its own weights
    config, checkpoint = write_setup(build_tiny_model, tmp_path, drop=('encoder.', ))
    with pytest.raises(CheckpointError, match=r'tiny.pth does not fit DAPFSR: keys \d+ missing \(encoder\.'):
        init_model(config, checkpoint)
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        init_model(config, str(tmp_path / 'nope.pth'))


def test_init_model_refuses_extra_reshaped_and_foreign_weights(tmp_path, build_tiny_model):
    state = build_tiny_model().state_dict()
    config, checkpoint = write_setup(build_tiny_model, tmp_path, state=dict(state, **{'encoder.extra': torch.zeros(1)}))
    with pytest.raises(CheckpointError, match=r'1 unexpected \(encoder.extra\)'):
        init_model(config, checkpoint)
    name = next(k for k in state if k.startswith('encoder.') and state[k].ndim == 4)
    config, checkpoint = write_setup(build_tiny_model, tmp_path, state=dict(state, **{name: state[name][:1]}))
    with pytest.raises(CheckpointError, match='1 of another shape'):
        init_model(config, checkpoint)
    # the decoder file given for the DAP-FSR model: every encoder key is missing
    config, checkpoint = write_setup(build_tiny_model, tmp_path, state={k[len('decoder.'):]: v for k, v in state.items()
                                                      if k.startswith('decoder.')})
    with pytest.raises(CheckpointError, match='does not fit DAPFSR'):
        init_model(config, checkpoint)


def test_init_model_names_a_checkpoint_of_another_profile_before_building(tmp_path, build_tiny_model):
    # recorded by publish_model.py; the config's backbone would be built (and ask for
    # its own pretrained weights) before any key could be compared
    other = dict(model_types={'': 'DAPFSR', 'encoder.backbone': 'ResNet50Backbone'})
    config, checkpoint = write_setup(build_tiny_model, tmp_path, meta=other)
    with pytest.raises(CheckpointError, match='encoder.backbone: ResNet50Backbone in the file, '
                       'EfficientNetLite0Backbone in the config'):
        init_model(config, checkpoint)


def test_super_resolve_resizes_and_keeps_gray(celeba_hq_root, build_tiny_model):
    model = build_tiny_model()
    model.lr_size = LR_SIZE
    first = sorted(glob.glob(osp.join(celeba_hq_root, 'test', '*.jpg')))[0]
    face = cv2.cvtColor(cv2.imread(first), cv2.COLOR_BGR2RGB)
    gray = cv2.cvtColor(face, cv2.COLOR_RGB2GRAY)
    out = super_resolve(model, [face, gray, face[:LR_SIZE, :LR_SIZE]], batch_size=2)
    assert [o.shape for o in out] == [(HR_SIZE, HR_SIZE, 3), (HR_SIZE, HR_SIZE, 1),
                                      (HR_SIZE, HR_SIZE, 3)]
    assert all(o.dtype == np.uint8 for o in out)
    # the 128 px face is brought to the model's 8 px LR size first
    assert prepare_lr_face(face, LR_SIZE).shape == (3, LR_SIZE, LR_SIZE)
    with pytest.raises(ValueError, match='LR face must be'):
        prepare_lr_face(np.zeros((4, 4, 2), np.uint8), LR_SIZE)

