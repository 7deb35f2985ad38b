import math

import torch
import torch.nn.functional as F

from dapfsr.registry import MODELS


def rotation_theta(degrees):
    """affine_grid theta of a rotation about the centre, (1, 2, 3)."""
    a = math.radians(degrees)
    return torch.tensor([[[math.cos(a), -math.sin(a), 0.], [math.sin(a), math.cos(a), 0.]]])


def synthetic_face(size=32):
    """An asymmetric smooth pattern (no rotational symmetry), zero near the border."""
    y, x = torch.meshgrid(torch.linspace(-1, 1, size), torch.linspace(-1, 1, size), indexing='ij')
    bar = torch.exp(-(x / 0.15) ** 2 - (y / 0.5) ** 2)  # vertical bar
    dot = torch.exp(-((x - 0.35) ** 2 + (y + 0.35) ** 2) / 0.03)  # one "eye" top right
    return torch.stack([bar + dot, bar, dot])[None]


def test_istn_is_identity_at_init():
    istn = MODELS.build(dict(type='ISTN', in_channels=5, hidden_channels=8))
    x = torch.randn(3, 5, 12, 12)
    theta = istn.transform(x)
    assert torch.equal(theta, torch.tensor([[1., 0., 0.], [0., 1., 0.]]).expand(3, 2, 3))
    assert torch.allclose(istn(x), x, atol=1e-5)


def test_istn_learns_to_undo_a_rotation():
    torch.manual_seed(0)
    upright = synthetic_face()
    angle = 30.0
    grid = F.affine_grid(rotation_theta(angle), list(upright.shape), align_corners=False)
    rotated = F.grid_sample(upright, grid, align_corners=False)
    istn = MODELS.build(dict(type='ISTN', in_channels=3, hidden_channels=8))
    optimizer = torch.optim.Adam(istn.parameters(), lr=0.01)
    errors = []
    for _ in range(150):
        error = F.mse_loss(istn(rotated), upright)
        optimizer.zero_grad()
        error.backward()
        optimizer.step()
        errors.append(error.item())
    theta = istn.transform(rotated).detach()[0]
    learned = math.degrees(math.atan2(theta[1, 0], theta[0, 0]))
    # the inverse warp: a rotation by -angle in affine_grid's output->input convention
    assert errors[-1] < 0.02 * errors[0]
    assert abs(learned + angle) < 2.0, learned
