"""tools/analysis/compare_methods.py: real faces through the committed DAP-FSR checkpoint and
the Bicubic config, side by side in one grid."""
import os.path as osp
import sys

import cv2
import numpy as np
import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'analysis'))
import compare_methods  # noqa: E402

CELEBA = 'configs/dapfsr/dapfsr_small_17k_celeba-hq.py'
YALEB = 'configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb.py'
DAPFSR = ('DAP-FSR', CELEBA, 'checkpoints/dapfsr_small_celebahq.pth')
BICUBIC = ('Bicubic', 'configs/bicubic/bicubic_x4_celeba-hq.py')
CELL, PAD, TITLE = 64, 2, 16  # cells at the HR size: the model columns are their own pixels


def cell(grid, row, col):
    y, x = TITLE + PAD + row * (CELL + PAD), PAD + col * (CELL + PAD)
    return grid[y:y + CELL, x:x + CELL].astype(np.float64)


def psnr(a, b):
    return 10 * np.log10(255.0 ** 2 / np.mean((a - b) ** 2))


@pytest.fixture
def at_repo_root(monkeypatch, celeba_hq_root, yaleb_root):
    monkeypatch.chdir(REPO_ROOT)  # the configs and checkpoint paths are relative to it
    monkeypatch.setenv('DAPFSR_DATA_ROOT', osp.dirname(osp.abspath(yaleb_root)))


def test_two_celeba_faces_and_a_yaleb_face_in_one_grid(tmp_path, capsys, at_repo_root):
    out = str(tmp_path / 'grid.png')
    compare_methods.main(['--faces', CELEBA, '0', '1', '--faces', YALEB, '4',
                          '--model', *BICUBIC, '--model', *DAPFSR, '--cell', str(CELL), '--out', out])
    printed = capsys.readouterr().out
    assert 'row 2: dapfsr_small_17k_celeba-hq2yaleb.py [4] yaleB01/yaleB01_P00A+050E+00.pgm' in printed
    grid = cv2.imread(out)[..., ::-1]
    columns = ['LR', 'bicubic', 'Bicubic', 'DAP-FSR', 'HR']
    assert grid.shape == (TITLE + 3 * (CELL + PAD) + PAD, len(columns) * (CELL + PAD) + PAD, 3)
    for row in range(3):
        bicubic, model_bicubic, dapfsr, hr = (cell(grid, row, c) for c in range(1, 5))
        # the grid's bicubic column is the Bicubic config's output (up to uint8 rounding)
        assert np.abs(bicubic - model_bicubic).max() <= 1
        # DAP-FSR draws another face than bicubic, and neither is the HR face
        assert np.abs(dapfsr - bicubic).mean() > 5
        assert 14 < psnr(dapfsr, hr) < 35 and 14 < psnr(bicubic, hr) < 35
    # the LR column shows 16 px faces: blocks of 4 x 4 equal pixels at 64 px
    lr = cell(grid, 0, 0)
    assert (lr[::4, ::4] == lr[3::4, 3::4]).all() and lr[::4, ::4].std() > 5
    # the Yale B face (a gray config) comes out gray from both models, the CelebA-HQ faces in colour
    for col in (2, 3):
        gray, colour = cell(grid, 2, col), cell(grid, 0, col)
        assert (gray[..., 0] == gray[..., 1]).all() and (gray[..., 1] == gray[..., 2]).all()
        assert np.abs(colour[..., 0] - colour[..., 2]).mean() > 3


def test_bad_arguments_are_named(capsys):
    with pytest.raises(SystemExit):
        compare_methods.parse_args(['--faces', CELEBA, 'x', '--model', *BICUBIC])
    assert '--faces needs a config and face indices' in capsys.readouterr().err
    with pytest.raises(SystemExit):
        compare_methods.parse_args(['--faces', CELEBA, '0', '--model', 'Bicubic'])
    assert '--model needs NAME CONFIG [CHECKPOINT]' in capsys.readouterr().err
