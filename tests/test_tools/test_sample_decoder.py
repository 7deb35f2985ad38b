"""tools/misc/sample_decoder.py: a grid from any decoder checkpoint, architecture read off the weights."""
import os.path as osp
import sys

import cv2
import numpy as np
import pytest
import torch

from dapfsr.models.editors.stylegan2 import StyleGANDecoder

sys.path.insert(0, osp.join(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))),
                            'tools', 'misc'))
import sample_decoder  # noqa: E402


def tiny_decoder(seed=0):
    torch.manual_seed(seed)
    decoder = StyleGANDecoder(out_size=16, style_channels=16, num_mlps=2,
                              channels={4: 16, 8: 8, 16: 8})
    for name, param in decoder.named_parameters():
        if name.endswith('noise_injector.weight') or name.endswith('bias'):
            param.data.normal_(0, 0.3)  # non-trivial noise strengths and biases
    return decoder


def grid_cells(path, rows, columns, cell, pad=2):
    grid = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
    assert grid.shape == (rows * (cell + pad) + pad, columns * (cell + pad) + pad, 3)
    return [[grid[pad + i * (cell + pad):pad + i * (cell + pad) + cell,
                  pad + j * (cell + pad):pad + j * (cell + pad) + cell] for j in range(columns)]
            for i in range(rows)]


def test_grid_blocks_per_truncation_from_a_dapfsr_checkpoint(tmp_path):
    decoder = tiny_decoder()
    ckpt = tmp_path / 'dapfsr.pth'
    torch.save(dict(state_dict={f'decoder.{k}': v for k, v in decoder.state_dict().items()}), ckpt)
    out = tmp_path / 'grid.png'
    sample_decoder.main([str(ckpt), '--prefix', 'decoder', '--num', '4', '--columns', '2',
                         '--truncation', '1', '0', '--out', str(out)])
    cells = grid_cells(out, rows=4, columns=2, cell=16)
    # psi = 1: distinct z give distinct faces; psi = 0: every w is mu_w, so only the noise differs.
    free = [c.astype(float) for row in cells[:2] for c in row]
    truncated = [c.astype(float) for row in cells[2:] for c in row]
    assert np.abs(free[0] - free[1]).mean() > np.abs(truncated[0] - truncated[1]).mean()
    # The psi = 1 block is the decoder's own output for the tool's z and noise.
    rng = torch.Generator().manual_seed(0)
    z = torch.randn(4, 16, generator=rng)
    noise = decoder.make_injected_noise(4, generator=rng)
    with torch.no_grad():
        expected = ((decoder(z, injected_noise=noise).clamp(-1, 1) + 1) / 2 * 255).round()
    assert np.abs(free[1] - expected[1].permute(1, 2, 0).numpy()).max() <= 1


def test_bad_checkpoints_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        sample_decoder.build_decoder(str(tmp_path / 'missing.pth'))
    ckpt = tmp_path / 'dapfsr.pth'
    torch.save(dict(state_dict={f'decoder.{k}': v for k, v in tiny_decoder().state_dict().items()}),
               ckpt)
    with pytest.raises(ValueError, match='dapfsr.pth.*--prefix decoder'):
        sample_decoder.build_decoder(str(ckpt))
    with pytest.raises(SystemExit):
        sample_decoder.parse_args([str(ckpt), '--num', '5', '--columns', '2'])
