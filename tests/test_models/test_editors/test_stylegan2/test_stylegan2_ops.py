import numpy as np
import pytest
import scipy.signal
import torch

from dapfsr.models.editors.stylegan2 import StyleGAN2Discriminator, upfirdn2d
from dapfsr.models.editors.stylegan2.stylegan2_ops import make_kernel


def scipy_upfirdn2d(x, taps, up, down, pad):
    """Separable reference: scipy's 1-D upfirdn on each axis after explicit padding."""
    taps = np.asarray(taps, np.float64) / np.sum(taps)
    out = []
    for img in x.reshape(-1, *x.shape[-2:]).numpy().astype(np.float64):
        up_img = np.zeros((img.shape[0] * up, img.shape[1] * up))
        up_img[::up, ::up] = img
        padded = np.pad(up_img, [(max(pad[0], 0), max(pad[1], 0))] * 2)
        padded = padded[max(-pad[0], 0):padded.shape[0] - max(-pad[1], 0),
                        max(-pad[0], 0):padded.shape[1] - max(-pad[1], 0)]
        filt = scipy.signal.convolve2d(padded, np.outer(taps, taps), mode='valid')
        out.append(filt[::down, ::down])
    return torch.from_numpy(np.stack(out)).reshape(*x.shape[:2], *out[0].shape).float()


@pytest.mark.parametrize('up, down, pad', [(2, 1, (2, 1)), (1, 2, (1, 1)), (1, 1, (1, 1)),
                                           (2, 1, (-1, 2)), (1, 2, (2, 2))])
def test_upfirdn2d_matches_scipy(up, down, pad):
    x = torch.randn(2, 3, 7, 7)
    taps = [1, 3, 5, 2]  # asymmetric: catches a missing kernel flip
    ours = upfirdn2d(x, make_kernel(taps), up=up, down=down, pad=pad)
    assert torch.allclose(ours, scipy_upfirdn2d(x, taps, up, down, pad), atol=1e-5)


@pytest.mark.parametrize('batch', [1, 3, 8])
def test_discriminator_gives_one_logit_per_image(batch):
    disc = StyleGAN2Discriminator(32, channels={4: 16, 8: 16, 16: 8, 32: 8})
    assert disc(torch.randn(batch, 3, 32, 32)).shape == (batch, 1)
    with pytest.raises(ValueError, match='built for 32 px'):
        disc(torch.randn(2, 3, 64, 64))
