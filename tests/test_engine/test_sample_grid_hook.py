import cv2
import numpy as np
import pytest
import torch
from mmengine.runner import Runner

from dapfsr.registry import HOOKS

CHANNELS = {4: 8, 8: 8, 16: 8}


def tiny_runner(tmp_path, custom_hooks, max_iters=3):
    folder = tmp_path / 'faces'
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(4):
        cv2.imwrite(str(folder / f'{i}.png'), rng.integers(0, 256, (16, 16, 3), dtype=np.uint8))
    return Runner(
        model=dict(type='StyleGAN2', r1_penalty=None, latent_statistics_samples=100,
                   generator=dict(type='StyleGANDecoder', out_size=16, style_channels=8, num_mlps=1,
                                  channels=CHANNELS),
                   discriminator=dict(type='StyleGAN2Discriminator', in_size=16, channels=CHANNELS)),
        work_dir=str(tmp_path / 'work'), experiment_name=tmp_path.name,
        train_dataloader=dict(
            batch_size=2, num_workers=0, sampler=dict(type='InfiniteSampler', shuffle=False),
            dataset=dict(type='ImageFolderDataset', data_root=str(folder), pipeline=[
                dict(type='LoadFaceImage', key='gt', num_channels=3), dict(type='PackFaceInputs')])),
        optim_wrapper=dict(constructor='MultiOptimWrapperConstructor',
                           generator=dict(optimizer=dict(type='Adam', lr=0.002)),
                           discriminator=dict(optimizer=dict(type='Adam', lr=0.002))),
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=max_iters),
        default_hooks=dict(checkpoint=None), custom_hooks=custom_hooks, default_scope='dapfsr')


def test_grids_at_interval_and_last_iteration_with_fixed_latents(tmp_path):
    hook = HOOKS.build(dict(type='SampleGridHook', interval=2, num_samples=5, num_columns=2, cell=16))
    runner = tiny_runner(tmp_path, [hook])
    runner.train()
    samples = tmp_path / 'work' / 'samples'
    assert sorted(p.name for p in samples.iterdir()) == ['iter_2.png', 'iter_3.png']
    grid = cv2.imread(str(samples / 'iter_3.png'))
    # 3 rows of 2 cells (the last padded), 16 px cells with 2 px borders
    assert grid.shape == (3 * 18 + 2, 2 * 18 + 2, 3)
    hook.save_grid(runner, 30)  # same weights, same fixed latents and noise: same grid
    assert np.array_equal(grid, cv2.imread(str(samples / 'iter_30.png')))
    with torch.no_grad():
        runner.model.generator_ema.to_rgbs[-1].bias.add_(0.5)
    hook.save_grid(runner, 31)
    assert not np.array_equal(grid, cv2.imread(str(samples / 'iter_31.png')))


def test_missing_generator_is_named(tmp_path):
    with pytest.raises(AttributeError, match='no "generator_avg"'):
        tiny_runner(tmp_path, [dict(type='SampleGridHook', interval=1, generator_name='generator_avg')],
                    max_iters=1).train()
