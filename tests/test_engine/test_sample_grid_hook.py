import copy

import cv2
import numpy as np
import pytest
import torch
from mmengine.runner import Runner

from dapfsr.registry import HOOKS

CHANNELS = {4: 8, 8: 8, 16: 8}


# the visualizer of configs/_base_/default_runtime.py
VISUALIZER = dict(type='FaceSRVisualizer', vis_backends=[dict(type='FaceSRLocalVisBackend')])


def tiny_runner(tmp_path, custom_hooks, max_iters=3, visualizer=VISUALIZER, logger_interval=50):
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
        default_hooks=dict(checkpoint=None, logger=dict(type='LoggerHook', interval=logger_interval)),
        custom_hooks=custom_hooks, default_scope='dapfsr', visualizer=copy.deepcopy(visualizer))


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
        hook.generator(runner).to_rgbs[-1].bias.add_(0.5)  # the network the hook samples
    hook.save_grid(runner, 31)
    assert not np.array_equal(grid, cv2.imread(str(samples / 'iter_31.png')))


def test_missing_generator_is_named(tmp_path):
    with pytest.raises(AttributeError, match='no "generator_avg"'):
        tiny_runner(tmp_path, [dict(type='SampleGridHook', interval=1, generator_name='generator_avg')],
                    max_iters=1).train()


def test_tensorboard_backend_gets_the_grids_and_the_logged_scalars(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    hook = HOOKS.build(dict(type='SampleGridHook', interval=2, num_samples=5, num_columns=2, cell=16))
    visualizer = dict(VISUALIZER, vis_backends=[dict(type='FaceSRLocalVisBackend'),
                                                dict(type='TensorboardVisBackend')])
    runner = tiny_runner(tmp_path, [hook], visualizer=visualizer, logger_interval=1)
    runner.train()  # LoggerHook closes the visualizer after the run: the event file is complete
    events = list((tmp_path / 'work').glob('*/vis_data/events.out.tfevents.*'))
    assert len(events) == 1
    accumulator = EventAccumulator(str(events[0]), size_guidance={'images': 0, 'scalars': 0})
    accumulator.Reload()
    images = accumulator.Images('samples')
    assert [e.step for e in images] == [2, 3]
    for event in images:  # the same picture as the file the local backend wrote
        shown = cv2.imdecode(np.frombuffer(event.encoded_image_string, np.uint8), cv2.IMREAD_COLOR)
        assert np.array_equal(shown, cv2.imread(str(tmp_path / 'work' / 'samples' / f'iter_{event.step}.png')))
    assert [e.step for e in accumulator.Scalars('loss_gen')] == [1, 2, 3]
