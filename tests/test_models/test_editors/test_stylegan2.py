import copy
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.optim import build_optim_wrapper
from mmengine.runner import Runner

from dapfsr.registry import MODELS

REPO = osp.join(osp.dirname(__file__), '..', '..', '..')
CHANNELS = {4: 16, 8: 16, 16: 8}
OPTIM = dict(constructor='MultiOptimWrapperConstructor',
             generator=dict(optimizer=dict(type='Adam', lr=0.002, betas=(0., 0.99))),
             discriminator=dict(optimizer=dict(type='Adam', lr=0.002, betas=(0., 0.99))))


def tiny_gan_cfg(r1_interval=1, pl_interval=1):
    return dict(
        type='StyleGAN2',
        generator=dict(type='StyleGANDecoder', out_size=16, style_channels=16, num_mlps=2,
                       channels=CHANNELS),
        discriminator=dict(type='StyleGAN2Discriminator', in_size=16, channels=CHANNELS),
        r1_penalty=dict(type='R1GradientPenalty', gamma=1., interval=r1_interval),
        path_length=dict(type='PathLengthRegularizer', interval=pl_interval),
        mixing_prob=0.5, ema_kimg=0.01, latent_statistics_samples=500)


def real_batch(n=4):
    return dict(inputs=[torch.rand(3, 16, 16, generator=torch.Generator().manual_seed(i))
                        for i in range(n)])


def snapshot(module):
    return {k: v.detach().clone() for k, v in module.named_parameters()}


def test_train_step_updates_generator_discriminator_and_ema():
    torch.manual_seed(0)
    model = MODELS.build(tiny_gan_cfg())
    optim = build_optim_wrapper(model, OPTIM)
    g0, d0, ema0 = snapshot(model.generator), snapshot(model.discriminator), snapshot(model.generator_ema)
    log_vars = model.train_step(real_batch(), optim)
    assert {'loss_disc', 'loss_gen', 'r1', 'path_length', 'real_score', 'fake_score'} <= set(log_vars)
    assert all(torch.isfinite(v) for v in log_vars.values())
    assert all(not torch.equal(p, g0[k]) for k, p in model.generator.named_parameters()
               if 'noise_injector' not in k)  # noise strengths get no gradient while still 0
    assert all(not torch.equal(p, d0[k]) for k, p in model.discriminator.named_parameters())
    beta = 0.5 ** (4 / 10.)  # batch 4, half-life 0.01 kimg = 10 images
    for k, p in model.generator_ema.named_parameters():
        assert torch.allclose(p, beta * ema0[k] + (1 - beta) * model.generator.get_parameter(k),
                              atol=1e-6)
    assert not any(p.requires_grad for p in model.generator_ema.parameters())
    assert int(model.iteration) == 1 and int(model.seen_images) == 4


def test_lazy_regularization_runs_every_interval():
    torch.manual_seed(0)
    model = MODELS.build(tiny_gan_cfg(r1_interval=2, pl_interval=3))
    optim = build_optim_wrapper(model, OPTIM)
    logged = [model.train_step(real_batch(), optim) for _ in range(4)]
    assert ['r1' in lv for lv in logged] == [True, False, True, False]
    assert ['path_length' in lv for lv in logged] == [True, False, False, True]


def test_checkpoints_carry_fresh_latent_statistics_and_state_dict_has_no_side_effect():
    from types import SimpleNamespace

    from dapfsr.engine.hooks import LatentStatisticsHook
    torch.manual_seed(0)
    model = MODELS.build(tiny_gan_cfg())
    model.train_step(real_batch(), build_optim_wrapper(model, OPTIM))
    expected = copy.deepcopy(model.generator_ema)
    expected.update_latent_statistics(500, generator=torch.Generator().manual_seed(model.seed))
    model.generator_ema.latent_mean.zero_()  # stale statistics
    checkpoint = dict(state_dict=model.state_dict())
    assert checkpoint['state_dict']['generator_ema.latent_mean'].abs().sum() == 0  # no side effect
    LatentStatisticsHook().before_save_checkpoint(SimpleNamespace(model=model), checkpoint)
    state = checkpoint['state_dict']
    assert torch.equal(state['generator_ema.latent_mean'], expected.latent_mean)
    assert torch.equal(state['generator_ema.latent_std'], expected.latent_std)
    assert state['generator_ema.latent_mean'].abs().sum() > 0


def test_predict_returns_samples_in_unit_range():
    model = MODELS.build(tiny_gan_cfg()).eval()
    with torch.no_grad():
        samples = model(torch.zeros(3, 3, 16, 16), mode='predict')
    assert len(samples) == 3 and samples[0].pred_img.shape == (3, 16, 16)
    assert all(0 <= s.pred_img.min() and s.pred_img.max() <= 1 for s in samples)
    with pytest.raises(ValueError, match='train_step'):
        model(torch.zeros(1, 3, 16, 16), mode='loss')


def test_wrong_real_size_gives_clear_error():
    model = MODELS.build(tiny_gan_cfg())
    with pytest.raises(ValueError, match='draws 16 px'):
        model.train_step(dict(inputs=[torch.rand(3, 32, 32)] * 2), build_optim_wrapper(model, OPTIM))


class LossRecorder(Hook):
    def __init__(self):
        self.losses = []

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        self.losses.append({k: float(v) for k, v in outputs.items()})


def face_folder(root):
    root.mkdir()
    rng = np.random.default_rng(0)
    for i in range(6):
        cv2.imwrite(str(root / f'{i}.png'), rng.integers(0, 256, (20, 20, 3), dtype=np.uint8))
    return str(root)


def run(tmp_path, name, folder, max_iters, load_from=None):
    recorder = LossRecorder()
    runner = Runner(
        model=tiny_gan_cfg(r1_interval=2, pl_interval=2),
        work_dir=str(tmp_path / name), experiment_name=f'{tmp_path.name}_{name}',
        train_dataloader=dict(
            batch_size=2, num_workers=0,
            sampler=dict(type='InfiniteSampler', shuffle=True),
            dataset=dict(type='ImageFolderDataset', data_root=folder, pipeline=[
                dict(type='LoadFaceImage', key='gt', num_channels=3),
                dict(type='CropAndResize', keys=['gt'], size=16),
                dict(type='PackFaceInputs')])),
        optim_wrapper=OPTIM,
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=max_iters),
        default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=2, by_epoch=False),
                           logger=dict(type='LoggerHook', interval=1)),
        custom_hooks=[recorder, dict(type='SampleGridHook', interval=2, num_samples=4,
                                     num_columns=2), dict(type='LatentStatisticsHook')],
        randomness=dict(seed=0), default_scope='dapfsr',
        resume=load_from is not None, load_from=load_from)
    runner.train()
    return recorder.losses


def test_resumed_training_repeats_the_uninterrupted_run(tmp_path):
    folder = face_folder(tmp_path / 'faces')
    full = run(tmp_path, 'full', folder, 5)
    run(tmp_path, 'first', folder, 2)
    resumed = run(tmp_path, 'resumed', folder, 5, load_from=str(tmp_path / 'first' / 'iter_2.pth'))
    assert len(full) == 5 and len(resumed) == 3
    for expected, got in zip(full[2:], resumed):
        assert expected.keys() == got.keys()
        for key in expected:
            assert got[key] == pytest.approx(expected[key], rel=1e-4, abs=1e-6), key
    assert osp.isfile(tmp_path / 'full' / 'samples' / 'iter_4.png')
    assert osp.isfile(tmp_path / 'full' / 'samples' / 'iter_5.png')  # the last iteration
    # the encoder stage reads the EMA decoder, with mu_w / sigma_w, from the checkpoint
    decoder = MODELS.build(dict(tiny_gan_cfg()['generator'],
                                pretrained=dict(ckpt_path=str(tmp_path / 'full' / 'iter_4.pth'))))
    assert decoder.latent_std.min() > 0 and decoder.latent_mean.abs().sum() > 0


@pytest.mark.parametrize('name', ['stylegan2_small_celebahq64', 'stylegan2_celeba128'])
def test_configs_parse_and_match_generator_and_discriminator(name):
    cfg = Config.fromfile(osp.join(REPO, 'configs', 'stylegan2', f'{name}.py'))
    model = cfg.model
    assert model.generator.out_size == model.discriminator.in_size
    assert cfg.train_dataloader.dataset.pipeline[1].size == model.generator.out_size
    assert set(cfg.optim_wrapper) == {'constructor', 'generator', 'discriminator'}
    if name.startswith('stylegan2_small'):
        gan = MODELS.build(model)
        assert gan.generator.num_latents == 10
