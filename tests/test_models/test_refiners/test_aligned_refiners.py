"""LR-consistency refinement: with a known affine the refined face reproduces its LR face; a
consistent face is not moved; calibration learns a target's framing; every model takes it."""
import glob
import os.path as osp

import cv2
import torch

from dapfsr.models.aligners import degrade, warp
from dapfsr.models.editors import BicubicUpsampler
from dapfsr.models.refiners import UprightWarp, project_to_lr, split_lr_band
from dapfsr.utils.matlab_resize import imresize

ALIGNER = dict(type='AffineAligner', in_size=16)
PARAMS = torch.tensor([[8.0, 3.0, -2.0, 1.05], [-5.0, -1.0, 2.5, 0.93]])


def faces_64(celeba_hq_root, num=2):
    paths = sorted(glob.glob(osp.join(celeba_hq_root, 'test', '*.jpg')))[:num]
    hr = torch.stack([torch.from_numpy(cv2.imread(p)[..., ::-1].copy()).permute(2, 0, 1) for p in paths])
    return imresize(hr.float() / 127.5 - 1, size=(64, 64))


def test_projection_reproduces_the_lr_face_and_helps(celeba_hq_root):
    hr = faces_64(celeba_hq_root)
    lr = degrade(hr, PARAMS, 16)
    start = imresize(lr, size=(64, 64))  # bicubic: unaligned, inconsistent
    refined = project_to_lr(start, lr, PARAMS, iterations=30)
    assert (degrade(refined, PARAMS, 16) - lr).abs().mean() < 1e-3
    assert (degrade(start, PARAMS, 16) - lr).abs().mean() > 0.05
    assert (refined - hr).square().mean() < 0.7 * (start - hr).square().mean()


def test_a_consistent_face_is_not_moved(celeba_hq_root):
    face = faces_64(celeba_hq_root)
    refined = project_to_lr(face, degrade(face, PARAMS, 16), PARAMS, iterations=30)
    assert (refined - face).abs().max() < 1e-5


def test_calibration_learns_the_framing_the_aligner_misses(celeba_hq_root):
    """An aligner off by a constant (a target framed otherwise): the offset calibration on the
    exemplar (no fine-tuning steps) measures and removes it."""
    refiner = UprightWarp(ALIGNER, calibration_steps=0, calibration_batch=64)
    with torch.no_grad():  # the identity estimate plus (+1 deg, 0, +2 px, +0.05)
        refiner.source_aligner.head[-1].bias.copy_(torch.tensor([0.1, 0.0, 0.5, 0.5]))
    hr = faces_64(celeba_hq_root, 1)
    refiner.calibrate(hr)
    # the untrained aligner answers its bias whatever the face: the framing is the mean draw
    # (0 deg, 0 px, 0 px, scale 1) minus it, up to the sample mean of 64 draws
    assert torch.allclose(refiner.framing, torch.tensor([-1.0, 0.0, -2.0, -0.05]), atol=torch.tensor(
        [1.5, 0.6, 0.6, 0.015]).max())
    lr = degrade(hr, PARAMS[:1], 16)
    assert torch.allclose(refiner.affine(lr), refiner.aligner.estimate(lr) + refiner.framing)


def test_every_model_takes_a_refiner(celeba_hq_root):
    """BicubicUpsampler with LRConsistencyRefiner (an untrained aligner: the identity affine)
    gives faces that reproduce their LR faces; with UprightWarp at the identity, bicubic."""
    lr = imresize(faces_64(celeba_hq_root), size=(16, 16))
    model = BicubicUpsampler(out_size=64, refiner=dict(type='LRConsistencyRefiner', aligner=ALIGNER))
    assert 'refiner' in model.self_loading_modules
    sr = model(lr, mode='tensor')
    assert (degrade(sr, torch.tensor([[0., 0., 0., 1.]] * 2), 16) - lr).abs().mean() < 1e-3
    plain = BicubicUpsampler(out_size=64)(lr, mode='tensor')
    upright = BicubicUpsampler(out_size=64, refiner=dict(type='UprightWarp', aligner=ALIGNER))(lr, mode='tensor')
    assert (upright - plain)[..., 4:-4, 4:-4].abs().max() < 1e-4
    assert (sr - plain).abs().mean() > 1e-3


def test_the_lr_band_and_the_detail_add_up(celeba_hq_root):
    """error_decomposition's split: orthogonal parts whose squares add up to the whole, the band
    all of what the degradation sees and the detail invisible to it."""
    hr = faces_64(celeba_hq_root)
    error = imresize(degrade(hr, PARAMS, 16), size=(64, 64)) - hr  # an unaligned bicubic's error
    band, detail = split_lr_band(error, PARAMS, 16)
    assert torch.allclose(band + detail, error)
    total, parts = error.square().sum(), band.square().sum() + detail.square().sum()
    assert (total - parts).abs() < 1e-4 * total
    assert (band * detail).sum().abs() < 1e-4 * total
    assert (degrade(detail, PARAMS, 16)).abs().max() < 1e-4
    assert (degrade(band, PARAMS, 16) - degrade(error, PARAMS, 16)).abs().max() < 1e-4


def test_calibration_keeps_an_aligner_the_exemplar_shows_right(celeba_hq_root):
    """The committed aligner on a CelebA-HQ test face (the framing it learnt): kept as it is;
    on the same face framed otherwise (zoomed by 6 %), calibrated."""
    refiner = UprightWarp(ALIGNER, 'checkpoints/affine_aligner_small_celebahq.pth', calibration_steps=5)
    hr = faces_64(celeba_hq_root, 3)[2:]
    before = {k: v.clone() for k, v in refiner.aligner.state_dict().items()}
    assert not refiner.calibrate(hr)
    assert not refiner.framing.any() and all(torch.equal(v, before[k]) for k, v in refiner.aligner.state_dict().items())
    zoomed = warp(hr, torch.tensor([[0.0, 0.0, 3.0, 1.06]]))
    assert refiner.calibrate(zoomed)
    lr = degrade(zoomed, PARAMS[1:], 16)  # the affine against the zoomed frame is PARAMS[1]
    source, calibrated = (abs(a[0, 3] - PARAMS[1, 3]) for a in (refiner.source_aligner.estimate(lr),
                                                                refiner.affine(lr)))
    assert source > 0.03 and calibrated < 0.5 * source  # it learnt this "target's" larger faces
    # the calibration is state: a fresh refiner loaded with it refines as the calibrated one
    fresh = UprightWarp(ALIGNER, 'checkpoints/affine_aligner_small_celebahq.pth')
    fresh.load_state_dict(refiner.state_dict())
    sr = imresize(lr, size=(64, 64))
    assert fresh.calibrated and torch.equal(fresh(sr, lr), refiner(sr, lr))
    assert not torch.equal(UprightWarp(ALIGNER, 'checkpoints/affine_aligner_small_celebahq.pth')(sr, lr),
                           refiner(sr, lr))


def test_detail_gain_shrinks_the_model_detail_towards_the_upright_bicubic(celeba_hq_root):
    """beta = 0 refines the "bicubic, aligned" face (UprightWarp of the bicubic upsampling);
    beta = 1 the model's face as it is; beta = 0.5 the mean of the two starts, which the linear
    projection carries to the mean of the two refined faces."""
    from dapfsr.models.refiners import LRConsistencyRefiner
    hr = faces_64(celeba_hq_root) * 0.5  # no value near the clamp at +-1
    lr = degrade(hr, PARAMS, 16)
    model_face = hr.flip(-1)  # a face with detail of its own, inconsistent with lr

    def refine(start, gain=1.0):
        refiner = LRConsistencyRefiner(ALIGNER, iterations=30, regularisation=0.01, detail_gain=gain)
        return refiner(start, lr, PARAMS)

    upright = UprightWarp(ALIGNER)(imresize(lr, size=(64, 64)), lr, PARAMS)
    assert torch.allclose(refine(model_face, 0.0), refine(upright), atol=1e-6)
    assert torch.equal(refine(model_face, 1.0), project_to_lr(model_face, lr, PARAMS, 30, 0.01).clamp(-1, 1))
    half = (refine(model_face) + refine(upright)) / 2
    assert torch.allclose(refine(model_face, 0.5), half, atol=1e-5)
    assert not torch.allclose(refine(model_face), refine(upright), atol=0.05)
