"""tools/analysis/istn_alignment.py: the rotation the ISTNs recover, composed over stages."""
import math
import os.path as osp
import sys

import numpy as np
import pytest
import torch


sys.path.insert(0, osp.join(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))),
                            'tools', 'analysis'))
import istn_alignment  # noqa: E402


def set_rotation(istn, degrees):
    """Make an ISTN sample its input rotated counter-clockwise on screen by ``degrees``."""
    t = math.radians(degrees)
    with torch.no_grad():
        istn.to_theta.weight.zero_()
        istn.to_theta.bias.copy_(torch.tensor([math.cos(t), math.sin(t), 0., -math.sin(t),
                                               math.cos(t), 0.]))


def test_rotations_of_all_istns_compose(build_tiny_model):
    encoder = build_tiny_model().encoder  # ISTNs at positions 0 and 1
    lr = torch.rand(3, 3, 8, 8) * 2 - 1
    with torch.no_grad():
        identity = istn_alignment.rotation_degrees(istn_alignment.composed_transform(encoder, lr))
        assert torch.allclose(identity, torch.zeros(3), atol=1e-5)
        set_rotation(encoder.istns['0'], 7.0)
        set_rotation(encoder.istns['1'], 5.0)
        total = istn_alignment.rotation_degrees(istn_alignment.composed_transform(encoder, lr))
    assert torch.allclose(total, torch.full((3, ), 12.0), atol=1e-4)


def test_sign_matches_the_random_affine():
    """An ISTN set to the applied angle moves the rotated blob back where it was."""
    import cv2
    from dapfsr.datasets.transforms import RandomFaceAffine
    from dapfsr.models.editors.dapfsr import ISTN
    img = np.zeros((32, 32), np.float32)
    img[8:12, 20:24] = 1  # a blob up and right of the centre
    params = dict(rotation=20.0, translation=(0.0, 0.0), scale=1.0)
    mat = RandomFaceAffine.matrix(32, 32, **params)
    rotated = cv2.warpAffine(img, mat, (32, 32), flags=cv2.INTER_LINEAR)
    istn = ISTN(1, 4)
    set_rotation(istn, 20.0)
    with torch.no_grad():
        restored = istn(torch.from_numpy(rotated)[None, None])[0, 0].numpy()
    assert np.abs(restored - img).mean() < 0.25 * np.abs(rotated - img).mean()


def test_fit_reads_slope_and_residual():
    applied = np.linspace(-10, 10, 21)
    result = istn_alignment.fit(applied, 0.5 * applied + 1.0)
    assert result['slope'] == pytest.approx(0.5) and result['offset'] == pytest.approx(1.0)
    assert result['correlation'] == pytest.approx(1.0) and result['residual_std'] < 1e-9
