import numpy as np
import pytest
import torch

from dapfsr.datasets.transforms import PackFaceInputs
from dapfsr.structures import FaceSRDataSample


def test_pair_packs_lr_as_inputs():
    gt = np.full((8, 8, 3), 255, np.uint8)
    lr = np.full((2, 2, 3), 51, np.uint8)
    out = PackFaceInputs()(dict(gt=gt, lr=lr, img_path='a.png', subject='s1', condition='c',
                                affine=dict(rotation=1.0, translation=(0.5, -0.5), scale=1.0),
                                unrelated='dropped'))
    sample = out['data_samples']
    assert isinstance(sample, FaceSRDataSample)
    assert out['inputs'].shape == (3, 2, 2) and out['inputs'].dtype == torch.float32
    torch.testing.assert_close(out['inputs'], torch.full((3, 2, 2), 0.2))
    torch.testing.assert_close(sample.gt_img, torch.ones(3, 8, 8))
    assert sample.lr_img is out['inputs']
    assert sample.metainfo['subject'] == 's1' and sample.metainfo['affine']['rotation'] == 1.0
    assert 'unrelated' not in sample.metainfo


def test_hr_only_puts_hr_in_inputs_and_lr_only_has_no_gt():
    gt = np.array([[-0.02, 0.5], [1.03, 1.0]], np.float32)[..., None]  # bicubic overshoot
    out = PackFaceInputs()(dict(gt=gt))
    assert out['inputs'].shape == (1, 2, 2) and 'lr_img' not in out['data_samples']
    torch.testing.assert_close(out['inputs'], torch.tensor([[[0.0, 0.5], [1.0, 1.0]]]))
    out = PackFaceInputs()(dict(lr=np.zeros((2, 2, 3), np.uint8)))
    assert 'gt_img' not in out['data_samples'] and out['inputs'].shape == (3, 2, 2)


def test_nothing_to_pack_names_the_image():
    with pytest.raises(KeyError, match='x.png'):
        PackFaceInputs()(dict(img_path='x.png'))
