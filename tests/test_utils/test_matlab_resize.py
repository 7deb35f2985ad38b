"""MATLAB imresize (bicubic) against values derived by hand from its published algorithm."""
import numpy as np
import pytest
import torch

from dapfsr.utils.matlab_resize import MatlabBicubic, cubic, imresize, matlab_imresize, resize_matrix


def test_cubic_kernel_values():
    # Keys' kernel, a = -0.5: 1.5|x|^3 - 2.5|x|^2 + 1 on [0, 1],
    # -0.5|x|^3 + 2.5|x|^2 - 4|x| + 2 on (1, 2], 0 beyond.
    x = np.array([0.0, 0.25, 0.75, 1.0, 1.25, 1.75, 2.0, 2.5])
    expected = [1.0, 0.8671875, 0.2265625, 0.0, -0.0703125, -0.0234375, 0.0, 0.0]
    np.testing.assert_allclose(cubic(x), expected, atol=1e-15)
    np.testing.assert_allclose(cubic(-x), expected, atol=1e-15)


def test_halving_weights_interior():
    # scale 1/2: h(t) = cubic(t / 2) / 2 of width 8. Output x (1-based) samples
    # u = 2x - 0.5, so its taps lie at distances +-0.5, +-1.5, +-2.5, +-3.5, where
    # h = cubic(0.25), cubic(0.75), cubic(1.25), cubic(1.75) halved; these sum to
    # 2 * (0.8671875 + 0.2265625 - 0.0703125 - 0.0234375) / 2 = 1 already.
    half = np.array([-0.0234375, -0.0703125, 0.2265625, 0.8671875]) / 2
    taps = np.concatenate([half, half[::-1]])
    matrix = resize_matrix(16, 8, 0.5)
    # output 4 (1-based): u = 7.5, taps at input 4..11 (1-based) = columns 3..10
    np.testing.assert_allclose(matrix[3, 3:11], taps, atol=1e-15)
    assert np.count_nonzero(matrix[3]) == 8
    np.testing.assert_allclose(taps, [-0.01171875, -0.03515625, 0.11328125, 0.43359375,
                                      0.43359375, 0.11328125, -0.03515625, -0.01171875])


def test_halving_weights_at_the_border_fold_symmetrically():
    # 4 -> 2, output 1: u = 1.5, taps at 1-based -2..5 with the weights above;
    # symmetric padding maps -2, -1, 0 -> 3, 2, 1 and 5 -> 4:
    # x1: 0.11328125 + 0.43359375, x2: -0.03515625 + 0.43359375,
    # x3: -0.01171875 + 0.11328125, x4: -0.03515625 - 0.01171875
    expected = [0.546875, 0.3984375, 0.1015625, -0.046875]
    matrix = resize_matrix(4, 2, 0.5)
    np.testing.assert_allclose(matrix[0], expected, atol=1e-15)
    np.testing.assert_allclose(matrix[1], expected[::-1], atol=1e-15)
    signal = np.array([10.0, 20.0, 40.0, 80.0])
    out = matlab_imresize(np.tile(signal, (4, 1)).T, size=(2, 4))
    np.testing.assert_allclose(out[:, 0], [np.dot(expected, signal), np.dot(expected[::-1], signal)])


def test_doubling_weights_without_stretch():
    # scale 2 (no antialias stretch): u = x / 2 + 0.25; output 5 (1-based): u = 2.75,
    # taps 1..4 at distances 1.75, 0.75, -0.25, -1.25
    matrix = resize_matrix(8, 16, 2.0)
    np.testing.assert_allclose(matrix[4, :4], [-0.0234375, 0.2265625, 0.8671875, -0.0703125], atol=1e-15)
    assert np.count_nonzero(matrix[4]) == 4


def test_rows_sum_to_one():
    for n, m in [(128, 16), (192, 128), (168, 128), (107, 128), (7, 3)]:
        np.testing.assert_allclose(resize_matrix(n, m, m / n).sum(axis=1), 1.0, atol=1e-12)


def test_constant_image_stays_constant():
    img = np.full((192, 168), 77, np.uint8)
    assert (matlab_imresize(img, size=(128, 128)) == 77).all()
    img = np.full((128, 128, 3), 0.3, np.float32)
    np.testing.assert_allclose(matlab_imresize(img, scale=1 / 8), 0.3, atol=1e-6)
    x = torch.full((2, 3, 128, 128), 0.6, dtype=torch.float64)
    torch.testing.assert_close(imresize(x, size=16), torch.full((2, 3, 16, 16), 0.6, dtype=torch.float64))


def test_ramp_stays_linear_away_from_borders():
    # cubic convolution reproduces linear signals; with the 1-based ramp
    # value(i) = i, output x is the input at u = x / s + (1 - 1 / s) / 2
    n, scale = 64, 0.25
    ramp = np.arange(1, n + 1, dtype=np.float64)
    img = np.tile(ramp[:, None], (1, 3))
    out = matlab_imresize(img, scale=scale)[:, 0]
    x = np.arange(1, 17)
    u = x / scale + 0.5 * (1 - 1 / scale)
    interior = slice(3, 13)  # taps reach 8 input pixels each side
    np.testing.assert_allclose(out[interior], u[interior], atol=1e-10)
    assert not np.allclose(out[0], u[0])  # the mirrored border bends it


def test_output_size_is_ceil_of_scale():
    assert matlab_imresize(np.zeros((10, 7)), scale=0.5).shape == (5, 4)
    assert matlab_imresize(np.zeros((10, 7, 3)), scale=(0.5, 2)).shape == (5, 14, 3)
    assert imresize(torch.zeros(1, 1, 10, 7), scale=0.5).shape == (1, 1, 5, 4)


def test_numpy_and_torch_agree_and_torch_is_differentiable():
    rng = np.random.default_rng(0)
    img = rng.random((40, 36, 3))
    ref = matlab_imresize(img, size=(16, 12))
    x = torch.from_numpy(img.transpose(2, 0, 1)[None].copy()).requires_grad_()
    out = imresize(x, size=(16, 12))
    np.testing.assert_allclose(out.detach()[0].numpy().transpose(1, 2, 0), ref, atol=1e-12)
    out.sum().backward()
    # d(sum)/dx = (column sums of the row matrix) x (column sums of the column matrix)
    expected = np.outer(resize_matrix(40, 16, 16 / 40).sum(0), resize_matrix(36, 12, 12 / 36).sum(0))
    np.testing.assert_allclose(x.grad[0, 0].numpy(), expected, atol=1e-12)
    module = MatlabBicubic(size=(16, 12))
    torch.testing.assert_close(module(x.detach().float()), out.detach().float(), atol=1e-6, rtol=0)


def test_uint8_is_rounded_and_saturated():
    rng = np.random.default_rng(1)
    img = rng.integers(0, 256, (64, 64), dtype=np.uint8)
    out = matlab_imresize(img, scale=0.25)
    ref = matlab_imresize(img.astype(np.float64), scale=0.25)
    assert out.dtype == np.uint8
    assert np.abs(out.astype(np.float64) - ref).max() <= 1.0
    edge = np.zeros((16, 16), np.uint8)
    edge[:, 8:] = 255  # overshoot of the cubic kernel must saturate, not wrap
    up = matlab_imresize(edge, scale=2)
    assert up.min() == 0 and up.max() == 255


def test_bad_arguments():
    with pytest.raises(ValueError, match='exactly one of scale and size'):
        matlab_imresize(np.zeros((4, 4)), scale=0.5, size=2)
    with pytest.raises(ValueError, match='exactly one'):
        MatlabBicubic()
    with pytest.raises(ValueError, match='float tensor'):
        imresize(torch.zeros(4, 4, dtype=torch.uint8), size=2)


def test_interior_matches_pillow_float_bicubic(require_module):
    # Pillow's BICUBIC uses the same a = -0.5 kernel, stretched when reducing,
    # and the same pixel-centre mapping; it differs only at the borders, where
    # it drops taps instead of mirroring them.
    image = require_module('PIL.Image', 'Pillow (a dependency of torchvision)')
    img = np.random.default_rng(0).random((128, 128)).astype(np.float32)
    for size, border in ((16, 2), (40, 5), (256, 4)):
        ref = np.asarray(image.fromarray(img).resize((size, size), image.BICUBIC))
        out = matlab_imresize(img.astype(np.float64), size=size)
        inner = slice(border, size - border)
        np.testing.assert_allclose(out[inner, inner], ref[inner, inner], atol=1e-6)
