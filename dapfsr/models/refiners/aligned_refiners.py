"""Refiners that use the LR face's affine (beyond the paper): any model's output made to agree
with its LR face, and the LR face put upright (the "bicubic, aligned" row)."""
import copy

import torch
import torch.nn as nn

from dapfsr.registry import MODELS
from dapfsr.structures import FaceSRDataSample
from dapfsr.utils.checkpoint import load_model_weights
from dapfsr.utils.matlab_resize import imresize
from ..aligners import compose_matrices, degrade, forward_matrix, invert_matrix, moderate_ranges, warp


class AlignedRefiner(nn.Module):
    """Base: a frozen :class:`~dapfsr.models.aligners.AffineAligner` estimates each LR face's
    affine, unless the caller gives it (the analysis tools' oracle rows).

    The aligner learnt faces as CelebA-HQ crops frame and light them; a target domain frames
    them otherwise (Extended Yale B's whole frames: tighter, higher) and lights them otherwise,
    which no LR face can tell. :meth:`calibrate` learns both from the one-shot exemplar's HR
    face: the aligner is fine-tuned for ``calibration_steps`` on the exemplar under random
    affines of the data's ranges (from its source weights each time), and the mean error left
    on fresh draws is the target's ``framing`` offset. The model's output, drawn in the source
    framing (where the source aligner puts faces), is moved into the target's before it is
    refined.

    Args:
        aligner (dict): AffineAligner config.
        aligner_checkpoint (str, optional): Its trained weights; None: the caller loads them.
        in_adaptation (bool): Refine also the outputs one-shot adaptation fine-tunes on.
        calibration_steps (int): Adam steps (lr 3e-4) of the aligner on the exemplar.
        calibration_batch (int): Random affines of the exemplar per step (and for the offset).
        calibration_tolerance (tuple): (degrees, pixels at 128 px): mean errors of the source
            aligner on the exemplar up to which it is kept as it is.
    """

    def __init__(self, aligner, aligner_checkpoint=None, in_adaptation=False, calibration_steps=100,
                 calibration_batch=32, calibration_tolerance=(1.5, 1.5)):
        super().__init__()
        self.aligner = MODELS.build(aligner)
        if aligner_checkpoint is not None:
            load_model_weights(self.aligner, aligner_checkpoint)
        self.aligner.requires_grad_(False).eval()
        self.in_adaptation = in_adaptation
        self.calibration_steps, self.calibration_batch = calibration_steps, calibration_batch
        self.calibration_tolerance = tuple(calibration_tolerance)
        # in the state dict with the calibrated aligner, so that an adapted-parameter file
        # (tools/adapt.py) carries the calibration to tools/infer.py --adapted
        self.register_buffer('framing', torch.zeros(4))
        self.register_buffer('calibrated', torch.tensor(False))
        self.source_aligner = copy.deepcopy(self.aligner)  # where the source model draws faces

    def calibrate(self, hr, seed=0):
        """Adapt the aligner to the target from exemplar HR faces (K, C, H, W) in [-1, 1].

        Only where the exemplar shows the source aligner wrong: a mean error on the
        exemplar's random affines within ``calibration_tolerance`` (degrees, pixels) keeps the
        source aligner (a target framed as the source: fine-tuning on one face would only
        learn that face). Returns whether it calibrated.
        """
        self.aligner.load_state_dict(self.source_aligner.state_dict())
        self.framing.zero_()
        self.calibrated.fill_(False)
        low, high = moderate_ranges()

        def draw(generator):
            true = (low + (high - low) * torch.rand(self.calibration_batch, 4, generator=generator)).to(hr)
            faces = hr[torch.randint(len(hr), (len(true), ), generator=generator)]
            return true, degrade(faces, true, self.aligner.in_size).clamp(-1, 1)

        with torch.no_grad():
            true, lr = draw(torch.Generator().manual_seed(seed + 1))
            error = self.aligner.estimate(lr) - true
        if (error[:, 0].abs().mean() <= self.calibration_tolerance[0]
                and error[:, 1:3].norm(dim=1).mean() <= self.calibration_tolerance[1]):
            return False
        generator = torch.Generator().manual_seed(seed)
        with torch.enable_grad():
            params = list(self.aligner.parameters())
            optimizer = torch.optim.Adam(params, lr=3e-4)
            for p in params:
                p.requires_grad_(True)
            for _ in range(self.calibration_steps):
                true, lr = draw(generator)
                loss = self.aligner(lr, [_sample(t) for t in true], mode='loss')['loss_affine']
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            for p in params:
                p.requires_grad_(False)
        with torch.no_grad():
            true, lr = draw(generator)
            self.framing.copy_((true - self.aligner.estimate(lr)).mean(0))
        self.calibrated.fill_(True)
        return True

    def train(self, mode=True):
        super().train(mode)
        self.aligner.eval()  # trained estimators: BN statistics stay, calibration included
        self.source_aligner.eval()
        return self

    def affine(self, lr, params=None):
        """(N, 4) affine parameters of LR faces (N, C, h, w): ``params``, else the calibrated
        estimate."""
        if params is not None:
            return params
        with torch.no_grad():
            return self.aligner.estimate(lr) + self.framing

    def to_target_framing(self, sr, lr, target):
        """SR faces drawn in the source framing, moved into the target's, where the calibrated
        affine ``target`` (N, 4) puts the LR faces (identity before :meth:`calibrate`)."""
        if not self.calibrated:
            return sr
        with torch.no_grad():
            source = self.source_aligner.estimate(lr)
        # target frame -> LR frame -> source frame: where each target pixel lies in sr
        theta = compose_matrices(invert_matrix(forward_matrix(source)), forward_matrix(target))
        grid = nn.functional.affine_grid(theta, list(sr.shape), align_corners=False)
        return nn.functional.grid_sample(sr, grid, mode='bicubic', padding_mode='reflection',
                                         align_corners=False)


def _sample(params):
    """A data sample carrying (rotation, tx, ty, scale) as ``RandomFaceAffine`` records it."""
    rotation, tx, ty, scale = params.tolist()
    return FaceSRDataSample(metainfo=dict(affine=dict(rotation=rotation, translation=(tx, ty), scale=scale)))


@MODELS.register_module()
class UprightWarp(AlignedRefiner):
    """SR faces (N, C, H, W) of unaligned LR faces warped back upright by the inverse of their
    affine: with :class:`~dapfsr.models.editors.BicubicUpsampler`, the "bicubic, aligned" row,
    the honest floor of every learnt model (arguments: :class:`AlignedRefiner`)."""

    def forward(self, sr, lr, params=None):
        return warp(sr, self.affine(lr, params), inverse=True).clamp(-1, 1)  # into the target framing


@MODELS.register_module()
class LRConsistencyRefiner(AlignedRefiner):
    """The smallest change to SR faces that makes them reproduce their LR faces.

    With D_a the data's degradation of an upright face (the affine a, then MATLAB bicubic
    to the LR size: :func:`~dapfsr.models.aligners.degrade`) and y the LR face, the refined
    face is the projection of the model's output x0 onto {x : D_a x = y}:

        x = x0 + D_a^T (D_a D_a^T)^-1 (y - D_a x0),

    solved by ``iterations`` conjugate-gradient steps on the LR grid (D_a is linear, its
    adjoint is autograd's). The model draws the face; the LR face fixes the band it
    determines (light, shading, layout) and the model's detail above that band stays. A
    face that already reproduces its LR face is not moved. The affine comes from the
    aligner, or is given (:class:`AlignedRefiner`).

    With an estimated affine (off by a few pixels on a target whose crops place faces
    differently) the exact projection also moves detail the LR face does not fix;
    ``regularisation`` lambda > 0 solves (D D^T + lambda I) instead and corrects less where the
    degradation sees little (:func:`project_to_lr`).

    ``detail_gain`` beta < 1 projects x0 = u + beta (x_model - u) instead of the model's face,
    u the LR face upsampled (MATLAB bicubic) and put upright by the same affine (the "bicubic,
    aligned" face): the model's detail above the LR band counts beta times, a shrinkage for
    detail drawn in the source domain's manner or through an affine known to a pixel or two.

    Args:
        iterations (int): Conjugate-gradient steps.
        regularisation (float): lambda; 0 is the exact projection.
        detail_gain (float): beta; 1 projects the model's face as it is.
        others: :class:`AlignedRefiner`'s (with ``in_adaptation`` the adaptation's loss sees
            the refined faces).

    Shapes: ``forward(sr (N, C, H, W), lr (N, C, h, w), params=None (N, 4))`` -> (N, C, H, W),
    faces in [-1, 1].
    """

    def __init__(self, aligner, aligner_checkpoint=None, iterations=30, regularisation=0.0,
                 detail_gain=1.0, in_adaptation=False, calibration_steps=100, calibration_batch=32,
                 calibration_tolerance=(1.5, 1.5)):
        super().__init__(aligner, aligner_checkpoint, in_adaptation, calibration_steps, calibration_batch,
                         calibration_tolerance)
        self.iterations, self.regularisation, self.detail_gain = iterations, regularisation, detail_gain

    def forward(self, sr, lr, params=None):
        affine = self.affine(lr, params)
        if params is None:  # given affines are the oracle's: the output stays where it is
            sr = self.to_target_framing(sr, lr, affine)
        if self.detail_gain != 1:
            upright = warp(imresize(lr, size=tuple(sr.shape[-2:])), affine, inverse=True)
            sr = upright + self.detail_gain * (sr - upright)
        return project_to_lr(sr, lr, affine, self.iterations, self.regularisation).clamp(-1, 1)


def project_to_lr(sr, lr, params, iterations, regularisation=0.0):
    """x0 + D^T (D D^T + lambda I)^-1 (y - D x0) by conjugate gradients on the LR grid.

    lambda = ``regularisation`` = 0: the projection; lambda > 0 moves less where D D^T is small
    (a partial correction, for affines known only roughly). Linear in ``sr`` and ``lr``:
    gradients flow to both (the adaptation's loss may see it).
    """
    size = lr.shape[-1]
    probe = torch.zeros_like(sr, requires_grad=True)

    def adjoint(v):  # D^T v, for a fixed affine
        with torch.enable_grad():
            out = degrade(probe, params, size)
            return torch.autograd.grad(out, probe, v, create_graph=sr.requires_grad or v.requires_grad)[0]

    def normal(v):
        return degrade(adjoint(v), params, size) + regularisation * v

    residual = lr - degrade(sr, params, size)
    v = torch.zeros_like(residual)
    r, p = residual, residual
    rr = (r * r).sum((2, 3), keepdim=True)
    for _ in range(iterations):
        q = normal(p)
        alpha = rr / (p * q).sum((2, 3), keepdim=True).clamp_min(1e-12)
        v = v + alpha * p
        r = r - alpha * q
        rr_next = (r * r).sum((2, 3), keepdim=True)
        p = r + rr_next / rr.clamp_min(1e-12) * p
        rr = rr_next
    return sr + adjoint(v)


def split_lr_band(error, params, lr_size, iterations=30):
    """An error (N, C, H, W) of SR faces split into the band their LR faces determine, P e with
    P = D^T (D D^T)^-1 D the orthogonal projector onto D's row space (D: ``degrade`` with the
    affine ``params``), and the detail above it, (I - P) e: ``(band, detail)``, with
    ||e||^2 = ||band||^2 + ||detail||^2. The refinement with the true affine removes the band."""
    detail = project_to_lr(error, torch.zeros_like(degrade(error, params, lr_size)), params, iterations)
    return error - detail, detail
