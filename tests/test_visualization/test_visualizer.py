"""FaceSRVisualizer and FaceSRLocalVisBackend: grids to their documented files, the rest as
mmengine's LocalVisBackend; mmengine's own Visualizer keeps them in vis_data."""
import json
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.registry import DefaultScope
from mmengine.visualization import Visualizer

from dapfsr.registry import VISUALIZERS
from dapfsr.visualization import FaceSRLocalVisBackend, FaceSRVisualizer, add_grid, make_image_grid

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
ROWS = [[torch.rand(3, 8, 8), torch.rand(3, 16, 16)] for _ in range(2)]


def grid_by_hand(rows, cell, title_height=0, pad=2):
    """The grid as documented, drawn here without the grid code: white; each image rounded
    to uint8 and enlarged to the cell by repeating pixels (nearest neighbour, an integer
    factor here); 2 px white borders; the title band on top (left white here)."""
    canvas = np.full((title_height + len(rows) * (cell + pad) + pad,
                      len(rows[0]) * (cell + pad) + pad, 3), 255, np.uint8)
    for i, row in enumerate(rows):
        for j, img in enumerate(row):
            pixels = (img.clamp(0, 1).permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
            factor = cell // pixels.shape[0]
            y, x = title_height + pad + i * (cell + pad), pad + j * (cell + pad)
            canvas[y:y + cell, x:x + cell] = pixels.repeat(factor, 0).repeat(factor, 1)
    return canvas


def assert_titled_grid(grid, rows, cell, pad=2):
    """Below a 16 px band, the grid drawn by hand; in the band, dark title text over each
    column (and nothing dark elsewhere)."""
    assert np.array_equal(grid[16:], grid_by_hand(rows, cell, 16)[16:])
    band = grid[:16].min(2) < 128
    for j in range(len(rows[0])):
        assert band[:, pad + j * (cell + pad):(j + 1) * (cell + pad)].any(), j


def test_default_runtime_builds_the_local_grid_backend(tmp_path):
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', '_base_', 'default_runtime.py'))
    visualizer = VISUALIZERS.build(dict(cfg.visualizer, name=f'runtime_{tmp_path.name}',
                                        save_dir=str(tmp_path)))
    assert isinstance(visualizer, FaceSRVisualizer)
    assert isinstance(visualizer.get_backend('FaceSRLocalVisBackend'), FaceSRLocalVisBackend)
    with DefaultScope.overwrite_default_scope('mmengine'):  # dapfsr's backends, whatever the scope
        outside = FaceSRVisualizer.get_instance(f'runtime_mmengine_{tmp_path.name}', save_dir=str(tmp_path),
                                                vis_backends=cfg.visualizer.vis_backends)
    assert isinstance(outside.get_backend('FaceSRLocalVisBackend'), FaceSRLocalVisBackend)


def test_grid_goes_to_its_file_and_everything_else_to_vis_data(tmp_path):
    visualizer = FaceSRVisualizer.get_instance(f'local_{tmp_path.name}', save_dir=str(tmp_path / 'log'),
                                               vis_backends=[dict(type='FaceSRLocalVisBackend')])
    out_file = tmp_path / 'work' / 'grids' / 'val_iter_5.png'
    grid = add_grid(visualizer, 'val_iter', ROWS, ['LR', 'HR'], cell=32, step=5, out_file=str(out_file))
    assert_titled_grid(grid, ROWS, 32)  # the picture it was
    assert np.array_equal(grid, make_image_grid(ROWS, ['LR', 'HR'], cell=32))
    assert np.array_equal(cv2.imread(str(out_file))[..., ::-1], grid)
    assert sorted(p.name for p in out_file.parent.iterdir()) == ['val_iter_5.png']  # no temporary left
    # without a file: where LocalVisBackend keeps images; scalars and config as it does
    add_grid(visualizer, 'other', ROWS, step=3)
    visualizer.add_scalars({'loss': 0.5}, step=3)
    visualizer.add_config(Config(dict(a=1)))
    vis_data = tmp_path / 'log' / 'vis_data'
    assert np.array_equal(cv2.imread(str(vis_data / 'vis_image' / 'other_3.png'))[..., ::-1],
                          grid_by_hand(ROWS, 128))
    assert json.loads((vis_data / 'scalars.json').read_text()) == {'loss': 0.5, 'step': 3}
    assert (vis_data / 'config.py').is_file()
    assert sorted(p.name for p in (vis_data / 'vis_image').iterdir()) == ['other_3.png']


def test_local_backend_needs_uint8(tmp_path):
    backend = FaceSRLocalVisBackend(str(tmp_path))
    with pytest.raises(TypeError, match='uint8'):
        backend.add_image('x', np.zeros((4, 4, 3), np.float32), out_file=str(tmp_path / 'x.png'))
    assert not (tmp_path / 'x.png').exists()


def test_mmengine_visualizer_keeps_grids_in_vis_data_and_says_so(tmp_path, capsys):
    MMLogger.get_instance(f'grid_log_{tmp_path.name}')  # the current logger print_log writes to
    visualizer = Visualizer.get_instance(f'plain_{tmp_path.name}', save_dir=str(tmp_path / 'log'),
                                         vis_backends=[dict(type='LocalVisBackend')])
    out_file = tmp_path / 'samples' / 'iter_4.png'
    add_grid(visualizer, 'samples', ROWS, step=4, out_file=str(out_file))
    add_grid(visualizer, 'samples', ROWS, step=6, out_file=str(tmp_path / 'samples' / 'iter_6.png'))
    assert not out_file.parent.exists()
    vis_image = tmp_path / 'log' / 'vis_data' / 'vis_image'
    assert sorted(p.name for p in vis_image.iterdir()) == ['samples_4.png', 'samples_6.png']
    said = capsys.readouterr()
    assert (said.out + said.err).count('passes no out_file') == 1  # once per visualizer
