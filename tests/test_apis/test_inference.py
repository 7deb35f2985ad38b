"""init_model / super_resolve on a tiny model and real faces."""
import glob
import os.path as osp

import cv2
import numpy as np
import pytest
import torch

from dapfsr.apis import init_model, prepare_lr_face, super_resolve
from tiny_models import HR_SIZE, LR_SIZE, TINY_MODEL, build_tiny_model


def write_setup(tmp_path, drop=()):
    config = tmp_path / 'tiny.py'
    config.write_text(f'model = {TINY_MODEL!r}\nscale_lr = {LR_SIZE}\n')
    state = {k: v for k, v in build_tiny_model().state_dict().items()
             if not k.startswith(drop)}
    checkpoint = tmp_path / 'tiny.pth'
    torch.save(dict(state_dict=state, meta=dict(iter=1)), checkpoint)
    return str(config), str(checkpoint)


def test_init_model_reproduces_the_checkpoint(tmp_path):
    config, checkpoint = write_setup(tmp_path)
    model = init_model(config, checkpoint)
    reference = build_tiny_model()
    lr = torch.rand(2, 3, LR_SIZE, LR_SIZE) * 2 - 1
    with torch.no_grad():
        torch.testing.assert_close(model(lr), reference(lr))
    assert not model.training


def test_init_model_accepts_only_self_loading_modules_missing(tmp_path):
    config, checkpoint = write_setup(tmp_path, drop=('perceptual.', ))
    init_model(config, checkpoint)  # the perceptual extractor loads its own weights
    config, checkpoint = write_setup(tmp_path, drop=('encoder.', ))
    with pytest.raises(ValueError, match='tiny.pth does not fit DAPFSR: missing'):
        init_model(config, checkpoint)
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        init_model(config, str(tmp_path / 'nope.pth'))


def test_super_resolve_resizes_and_keeps_gray(celeba_hq_root):
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

