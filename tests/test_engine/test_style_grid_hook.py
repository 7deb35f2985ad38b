"""StyleGridHook: a grid of faces stylised after one Yale B exemplar, written while RAIN trains."""
import cv2
import numpy as np
import pytest
import torch
from mmengine.runner import Runner

from dapfsr.registry import HOOKS

LAYOUT = ((40, 8), 'U', (8, 8), 'U', (8, 8), 'U', (8, 3))


def test_grid_at_interval_and_end_with_fixed_styles(tmp_path, celeba_hq_root, yaleb_root):
    faces = dict(type='CelebAHQDataset', data_root=celeba_hq_root, split='train', indices=3, pipeline=[
        dict(type='LoadFaceImage', key='gt', num_channels=3), dict(type='MatlabResize', keys=['gt'], size=32),
        dict(type='PackFaceInputs')])
    content = [f'{celeba_hq_root}/test/0800{i}.jpg' for i in range(3)]
    hook = HOOKS.build(dict(type='StyleGridHook', exemplar=f'{yaleb_root}/yaleB11/yaleB11_P00A+050E+00.pgm',
                            content=content, size=32, interval=2, num_samples=2))
    runner = Runner(
        model=dict(type='RAIN', encoder=dict(type='EfficientNetLite0Features', layers=('block0', 'block4')),
                   decoder=dict(type='AdaINDecoder', layout=LAYOUT)),
        work_dir=str(tmp_path / 'work'), experiment_name=tmp_path.name,
        train_dataloader=dict(batch_size=2, num_workers=0, sampler=dict(type='InfiniteSampler', shuffle=False),
                              dataset=dict(type='ContentStyleDataset', content=faces, style=faces)),
        optim_wrapper=dict(optimizer=dict(type='Adam', lr=1e-3)),
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=3),
        default_hooks=dict(checkpoint=None), custom_hooks=[hook], default_scope='dapfsr',
        visualizer=dict(type='FaceSRVisualizer', vis_backends=[dict(type='FaceSRLocalVisBackend')]))
    runner.train()
    styles = tmp_path / 'work' / 'styles'
    assert sorted(p.name for p in styles.iterdir()) == ['iter_2.png', 'iter_3.png']
    grid = cv2.imread(str(styles / 'iter_3.png'))
    # 3 rows x (content, exemplar, mean, 2 samples), 64 px cells, 2 px borders, 16 px titles
    assert grid.shape == (16 + 3 * 66 + 2, 5 * 66 + 2, 3)
    cell = lambda img, row, col: img[16 + 2 + row * 66:16 + 66 + row * 66, 2 + col * 66:66 + col * 66]
    assert np.array_equal(cell(grid, 0, 1), cell(grid, 2, 1))  # one exemplar for every row
    exemplar = cell(grid, 0, 1).astype(int)
    assert np.array_equal(exemplar[..., 0], exemplar[..., 1])  # gray, replicated
    assert not np.array_equal(cell(grid, 0, 3), cell(grid, 0, 4))  # two different sampled styles
    state = torch.get_rng_state()
    hook.save_grid(runner, 30)  # same weights and seed: the same grid; training's RNG untouched
    assert np.array_equal(grid, cv2.imread(str(styles / 'iter_30.png')))
    assert torch.equal(state, torch.get_rng_state())


def test_a_missing_face_fails_before_training(tmp_path):
    hook = HOOKS.build(dict(type='StyleGridHook', exemplar=str(tmp_path / 'none.pgm'), content=['x.jpg']))
    with pytest.raises(FileNotFoundError, match='none.pgm'):
        hook.before_train(None)
    with pytest.raises(ValueError, match='content face'):
        HOOKS.build(dict(type='StyleGridHook', exemplar='a.pgm', content=[]))
