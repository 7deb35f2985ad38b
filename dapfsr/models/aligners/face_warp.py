"""The random affine of sec. 5.2 as a differentiable warp, and the LR degradation through it.

``RandomFaceAffine`` (``datasets/transforms/processing.py``) warps the HR face by
``p' = s R(theta) (p - c) + c + t`` (pixels of the 128 px face, y down, positive theta
counter-clockwise on screen) with OpenCV. Here the same map acts on batches of faces of any
side (the translation is kept as the same fraction of the side), in ``grid_sample``'s
normalised coordinates (align_corners=False, where the pixel-grid centre c is 0):
``n' = s R n + 2 t / 128`` with ``R = [[cos, sin], [-sin, cos]]``.

Parameters travel as a (N, 4) tensor ``(rotation deg, tx px, ty px, scale)``, the
translation in pixels of a ``REFERENCE_SIZE`` face, as ``results['affine']`` records them.
"""
import torch
import torch.nn.functional as F

from dapfsr.utils.matlab_resize import imresize

REFERENCE_SIZE = 128  # the side RandomFaceAffine's translations are measured at


def affine_parameters(affines, device=None):
    """``results['affine']`` dicts (rotation, translation (tx, ty), scale) -> (N, 4) tensor."""
    return torch.tensor([[a['rotation'], *a['translation'], a['scale']] for a in affines],
                        dtype=torch.float32, device=device)


def forward_matrix(params):
    """(N, 4) parameters -> (N, 2, 3) forward map ``n -> s R n + 2 t / 128`` (normalised)."""
    angle = torch.deg2rad(params[:, 0])
    cos, sin, scale = torch.cos(angle), torch.sin(angle), params[:, 3]
    linear = scale[:, None, None] * torch.stack(
        [torch.stack([cos, sin], 1), torch.stack([-sin, cos], 1)], 1)
    return torch.cat([linear, (2 * params[:, 1:3] / REFERENCE_SIZE)[:, :, None]], 2)


def invert_matrix(matrix):
    """Inverse of (N, 2, 3) affine maps."""
    linear_inv = torch.linalg.inv(matrix[:, :, :2])
    return torch.cat([linear_inv, -(linear_inv @ matrix[:, :, 2:])], 2)


def compose_matrices(outer, inner):
    """(N, 2, 3) maps ``outer`` after ``inner``: n -> outer(inner(n))."""
    return torch.cat([outer[:, :, :2] @ inner[:, :, :2],
                      outer[:, :, :2] @ inner[:, :, 2:] + outer[:, :, 2:]], 2)


def moderate_preset():
    """``RandomFaceAffine``'s moderate preset: ``rotation`` (deg), ``translation`` (px at
    :data:`REFERENCE_SIZE`), ``scale`` (min, max)."""
    from dapfsr.datasets.transforms.processing import RandomFaceAffine  # datasets import models
    return RandomFaceAffine.PRESETS['moderate']


def moderate_ranges():
    """(low, high) (4,) tensors of ``RandomFaceAffine``'s moderate preset, in (N, 4) order."""
    ranges = moderate_preset()
    rot, shift, (s_low, s_high) = ranges['rotation'], ranges['translation'], ranges['scale']
    return torch.tensor([-rot, -shift, -shift, s_low]), torch.tensor([rot, shift, shift, s_high])


def warp(faces, params, inverse=False, mode='bicubic'):
    """Faces (N, C, H, W) in the upright frame -> as ``RandomFaceAffine`` warps them (mirrored
    border); ``inverse=True`` puts warped faces back upright. Differentiable, linear in faces."""
    matrix = forward_matrix(params.to(faces))
    # affine_grid wants the map from output to input coordinates
    theta = matrix if inverse else invert_matrix(matrix)
    grid = F.affine_grid(theta, list(faces.shape), align_corners=False)
    return F.grid_sample(faces, grid, mode=mode, padding_mode='reflection', align_corners=False)


def degrade(faces, params, lr_size):
    """The LR face the data pipeline makes of an upright HR face (N, C, H, W): the affine, then
    MATLAB bicubic (antialiased) to ``lr_size``. Linear in faces."""
    return imresize(warp(faces, params), size=(lr_size, lr_size))


def rotation_difference(a, b):
    """|a - b| of angles in degrees, wrapped to [0, 180]."""
    d = torch.remainder(a - b + 180, 360) - 180
    return d.abs()

