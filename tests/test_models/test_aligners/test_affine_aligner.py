"""The aligner learns exactly the affine the pipeline applied: face_warp reproduces
RandomFaceAffine (OpenCV) and the LR face the pipeline makes; the loss reads the recorded affine."""
import glob
import os.path as osp

import cv2
import numpy as np
import pytest
import torch

from dapfsr.datasets.transforms import CropAndResize, MatlabResize, PackFaceInputs, RandomFaceAffine
from dapfsr.evaluation.metrics import AffineError
from dapfsr.models.aligners import AffineAligner, affine_parameters, degrade, warp
from dapfsr.structures import FaceSRDataSample


def face_128(celeba_hq_root):
    path = sorted(glob.glob(osp.join(celeba_hq_root, 'test', '*.jpg')))[3]
    return cv2.imread(path)[..., ::-1].astype(np.float32) / 255


@pytest.mark.parametrize('rotation, translation, scale', [(9.0, (3.5, -2.0), 1.08), (-6.5, (-4.0, 1.2), 0.91)])
def test_warp_is_random_face_affine(celeba_hq_root, rotation, translation, scale):
    img = face_128(celeba_hq_root)
    reference = cv2.warpAffine(img, RandomFaceAffine.matrix(128, 128, rotation, translation, scale), (128, 128),
                               flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT_101)
    params = torch.tensor([[rotation, *translation, scale]])
    ours = warp(torch.from_numpy(img.transpose(2, 0, 1))[None], params)[0].numpy().transpose(1, 2, 0)
    assert np.abs(ours - reference)[16:-16, 16:-16].mean() < 1e-3  # away from the mirrored border
    shifted = warp(torch.from_numpy(img.transpose(2, 0, 1))[None], params + torch.tensor([[0, 1.0, 0, 0]]))
    assert np.abs(shifted[0].numpy().transpose(1, 2, 0) - reference)[16:-16, 16:-16].mean() > 5e-3  # 1 px tells
    upright = warp(torch.from_numpy(reference.transpose(2, 0, 1))[None], params, inverse=True)
    assert np.abs(upright[0].numpy().transpose(1, 2, 0) - img)[24:-24, 24:-24].mean() < 5e-3


def test_the_recorded_affine_reproduces_the_pipelines_lr_face(celeba_hq_root):
    """The parameters the aligner is trained on (results['affine'] through PackFaceInputs) put
    through degrade() give the pipeline's LR face: same numbers, same convention."""
    results = dict(gt=face_128(celeba_hq_root), sample_idx=7)
    for transform in (CropAndResize(size=128), RandomFaceAffine(seed=0), MatlabResize(keys=['lr'], size=16),
                      PackFaceInputs()):
        results = transform(results)
    sample = results['data_samples']
    params = affine_parameters([sample.affine])
    assert params.abs().sum() > 1  # a real draw, not the identity
    ours = degrade(sample.gt_img[None], params, 16)[0]
    assert (ours - sample.lr_img).abs().mean() < 2e-3
    identity = degrade(sample.gt_img[None], torch.tensor([[0., 0., 0., 1.]]), 16)[0]
    assert (identity - sample.lr_img).abs().mean() > 10 * (ours - sample.lr_img).abs().mean()


def test_loss_and_metric_read_the_recorded_affine():
    aligner = AffineAligner(in_size=16)
    lr = torch.rand(2, 3, 16, 16) * 2 - 1
    assert torch.equal(aligner.estimate(lr), torch.tensor([[0., 0., 0., 1.]] * 2))  # starts at the identity
    samples = [FaceSRDataSample(metainfo=dict(affine=dict(rotation=r, translation=(tx, ty), scale=s)))
               for r, tx, ty, s in ((2.0, 0.4, 0.0, 1.0), (0.0, 0.0, -0.8, 1.05))]
    # smooth L1 (beta 0.1) of the parameters over (10 deg, 4 px, 4 px, 0.1) against the identity
    scaled = torch.tensor([[0.2, 0.1, 0.0, 0.0], [0.0, 0.0, 0.2, 0.5]])
    expected = torch.where(scaled < 0.1, 0.5 * scaled ** 2 / 0.1, scaled - 0.05).mean()
    assert torch.isclose(aligner(lr, samples, mode='loss')['loss_affine'], expected)
    metric = AffineError()
    metric.process(None, [dict(pred_affine=torch.tensor([3.5, 0.4, 0.0, 1.0]), affine=samples[0].affine),
                          dict(pred_affine=torch.tensor([-359.5, 0.6, 0.0, 1.0]), affine=samples[1].affine)])
    result = metric.compute_metrics(metric.results)
    assert result['rotation_error'] == pytest.approx((1.5 + 0.5) / 2)  # -359.5 deg is +0.5
    assert result['translation_error'] == pytest.approx((0.0 + 1.0) / 2)
    assert result['scale_error'] == pytest.approx(0.025)
    assert result['within_1deg_1px'] == 0.5
