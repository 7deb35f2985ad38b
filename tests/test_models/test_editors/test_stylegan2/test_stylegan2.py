import copy
import importlib.util
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.optim import build_optim_wrapper
from mmengine.runner import Runner, load_checkpoint

from dapfsr.engine.runner import DapfsrRunner
from dapfsr.models.base_models import HalfLifeEMA
from dapfsr.models.editors.stylegan2 import (StyleGANDecoder, build_decoder_from_checkpoint,
                                    load_stylegan2_checkpoint)
from dapfsr.registry import MODELS
from dapfsr.utils import load_checkpoint_file, load_model_weights
from conftest import REPO_ROOT as REPO, TINY_MODEL

_spec = importlib.util.spec_from_file_location(
    'publish_model', osp.join(REPO, 'tools', 'model_converters', 'publish_model.py'))
publish_model = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(publish_model)
CHANNELS = {4: 16, 8: 16, 16: 8}
OPTIM = dict(constructor='MultiOptimWrapperConstructor',
             generator=dict(optimizer=dict(type='Adam', lr=0.002, betas=(0., 0.99))),
             discriminator=dict(optimizer=dict(type='Adam', lr=0.002, betas=(0., 0.99))))


def tiny_gan_cfg(r1_interval=1, pl_interval=1, rampup=None):
    return dict(
        type='StyleGAN2',
        generator=dict(type='StyleGANDecoder', out_size=16, style_channels=16, num_mlps=2,
                       channels=CHANNELS),
        discriminator=dict(type='StyleGAN2Discriminator', in_size=16, channels=CHANNELS),
        r1_penalty=dict(type='R1GradientPenalty', gamma=1., interval=r1_interval),
        path_length=dict(type='PathLengthRegularizer', interval=pl_interval),
        mixing_prob=0.5, ema_config=dict(type='HalfLifeEMA', half_life_kimg=0.01, rampup=rampup),
        latent_statistics_samples=500)


def bare_ema_layout(state):
    """A StyleGAN2 state dict as written before generator_ema became an averaged model:
    the EMA decoder's keys under ``generator_ema.`` and no update count."""
    return {k.replace('generator_ema.module.', 'generator_ema.'): v for k, v in state.items()
            if k != 'generator_ema.steps'}


def real_batch(n=4):
    return dict(inputs=[torch.rand(3, 16, 16, generator=torch.Generator().manual_seed(i))
                        for i in range(n)])


def snapshot(module):
    return {k: v.detach().clone() for k, v in module.named_parameters()}


def test_train_step_updates_generator_discriminator_and_ema():
    torch.manual_seed(0)
    model = MODELS.build(tiny_gan_cfg())
    optim = build_optim_wrapper(model, OPTIM)
    g0, d0 = snapshot(model.generator), snapshot(model.discriminator)
    ema0 = snapshot(model.generator_ema.module)
    log_vars = model.train_step(real_batch(), optim)
    assert {'loss_disc', 'loss_gen', 'r1', 'path_length', 'real_score', 'fake_score'} <= set(log_vars)
    assert all(torch.isfinite(v) for v in log_vars.values())
    assert all(not torch.equal(p, g0[k]) for k, p in model.generator.named_parameters()
               if 'noise_injector' not in k)  # noise strengths get no gradient while still 0
    assert all(not torch.equal(p, d0[k]) for k, p in model.discriminator.named_parameters())
    beta = 0.5 ** (4 / 10.)  # batch 4, half-life 0.01 kimg = 10 images
    for k, p in model.generator_ema.module.named_parameters():
        assert torch.allclose(p, beta * ema0[k] + (1 - beta) * model.generator.get_parameter(k),
                              atol=1e-6)
    assert not any(p.requires_grad for p in model.generator_ema.parameters())
    assert int(model.iteration) == 1 and int(model.seen_images) == 4
    assert int(model.generator_ema.steps) == 1


# half-life 10 images, batches of 4, 4 and 2 (10 images):
#   no ramp-up:   beta = 0.5 ** (4 / 10), 0.5 ** (4 / 10), 0.5 ** (2 / 10)
#   ramp-up 0.5:  half-life min(10, 0.5 * 4) = 2, min(10, 0.5 * 8) = 4, min(10, 0.5 * 10) = 5 images,
#                 beta = 0.5 ** (4 / 2), 0.5 ** (4 / 4), 0.5 ** (2 / 5)
EMA_BETAS = {None: (0.5 ** 0.4, 0.5 ** 0.4, 0.5 ** 0.2), 0.5: (0.25, 0.5, 0.5 ** 0.4)}


@pytest.mark.parametrize('rampup', [None, 0.5])
def test_ema_after_three_steps_is_the_half_life_average_of_the_generators(rampup):
    torch.manual_seed(0)
    model = MODELS.build(tiny_gan_cfg(rampup=rampup))
    optim = build_optim_wrapper(model, OPTIM)
    expected = snapshot(model.generator)  # G_ema starts as G
    for batch, beta in zip((4, 4, 2), EMA_BETAS[rampup]):
        model.train_step(real_batch(batch), optim)
        for k, p in model.generator.named_parameters():
            expected[k] = beta * expected[k] + (1 - beta) * p.detach()
    for k, p in model.generator_ema.module.named_parameters():
        assert torch.allclose(p, expected[k], rtol=1e-5, atol=1e-6), k
    for k, b in model.generator.named_buffers():  # noise maps, mu_w, sigma_w: copied
        assert torch.equal(model.generator_ema.module.get_buffer(k), b), k
    assert int(model.seen_images) == 10 and int(model.generator_ema.steps) == 3


def test_ema_kimg_and_ema_rampup_of_older_configs_still_set_the_ema():
    cfg = dict(tiny_gan_cfg(), ema_config=dict(type='HalfLifeEMA', half_life_kimg=5., rampup=None),
               ema_kimg=0.5, ema_rampup=0.05)
    ema = MODELS.build(cfg).generator_ema
    assert isinstance(ema, HalfLifeEMA) and (ema.half_life_kimg, ema.rampup) == (0.5, 0.05)
    legacy = {k: v for k, v in tiny_gan_cfg().items() if k != 'ema_config'}
    ema = MODELS.build(dict(legacy, ema_kimg=2.)).generator_ema
    assert (ema.half_life_kimg, ema.rampup) == (2., None)
    # a config may choose another of mmengine's averaged models
    ema = MODELS.build(dict(legacy, ema_config=dict(type='ExponentialMovingAverage',
                                                    momentum=0.01))).generator_ema
    assert type(ema).__name__ == 'ExponentialMovingAverage'
    with pytest.raises(TypeError, match='BaseAveragedModel'):
        MODELS.build(dict(legacy, ema_config=dict(type='NonSaturatingLogisticLoss')))
    with pytest.raises(KeyError, match='HalfLifeEMAA'):
        MODELS.build(dict(legacy, ema_config=dict(type='HalfLifeEMAA')))


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
    expected = copy.deepcopy(model.generator_ema.module)
    expected.update_latent_statistics(500, generator=torch.Generator().manual_seed(model.seed))
    model.generator_ema.module.latent_mean.zero_()  # stale statistics
    checkpoint = dict(state_dict=model.state_dict())
    assert checkpoint['state_dict']['generator_ema.module.latent_mean'].abs().sum() == 0  # no side effect
    LatentStatisticsHook().before_save_checkpoint(SimpleNamespace(model=model), checkpoint)
    state = checkpoint['state_dict']
    assert torch.equal(state['generator_ema.module.latent_mean'], expected.latent_mean)
    assert torch.equal(state['generator_ema.module.latent_std'], expected.latent_std)
    assert state['generator_ema.module.latent_mean'].abs().sum() > 0


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


def run(tmp_path, name, folder, max_iters, load_from=None, runner_cls=Runner):
    recorder = LossRecorder()
    runner = runner_cls(
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
        # the visualizer of configs/_base_/default_runtime.py: the sample grids as files
        visualizer=dict(type='FaceSRVisualizer', vis_backends=[dict(type='FaceSRLocalVisBackend')]),
        resume=load_from is not None, load_from=load_from)
    runner.train()
    return recorder.losses


def test_resumed_training_repeats_the_uninterrupted_run(tmp_path):
    folder = face_folder(tmp_path / 'faces')
    full = run(tmp_path, 'full', folder, 5)
    run(tmp_path, 'first', folder, 2)
    first = str(tmp_path / 'first' / 'iter_2.pth')
    bare = str(tmp_path / 'first_bare_ema.pth')  # the same checkpoint as written before HalfLifeEMA
    checkpoint = load_checkpoint_file(first)
    assert int(checkpoint['state_dict']['generator_ema.steps']) == 2
    torch.save(dict(checkpoint, state_dict=bare_ema_layout(checkpoint['state_dict'])), bare)
    # mmengine's resume and dapfsr's checked one (tools/train.py), from either layout
    for name, load_from, runner_cls in [('resumed', first, Runner), ('resumed_bare', bare, Runner),
                                        ('resumed_bare_checked', bare, DapfsrRunner)]:
        resumed = run(tmp_path, name, folder, 5, load_from=load_from, runner_cls=runner_cls)
        assert len(full) == 5 and len(resumed) == 3
        for expected, got in zip(full[2:], resumed):
            assert expected.keys() == got.keys()
            for key in expected:
                assert got[key] == pytest.approx(expected[key], rel=1e-4, abs=1e-6), (name, key)
        final = load_checkpoint_file(str(tmp_path / name / 'iter_4.pth'))['state_dict']
        for key, value in load_checkpoint_file(str(tmp_path / 'full' / 'iter_4.pth'))['state_dict'].items():
            assert torch.allclose(final[key], value, rtol=1e-4, atol=1e-6), (name, key)
    assert osp.isfile(tmp_path / 'full' / 'samples' / 'iter_4.png')
    assert osp.isfile(tmp_path / 'full' / 'samples' / 'iter_5.png')  # the last iteration
    # the encoder stage reads the EMA decoder, with mu_w / sigma_w, from the checkpoint
    decoder = MODELS.build(dict(tiny_gan_cfg()['generator'],
                                pretrained=dict(ckpt_path=str(tmp_path / 'full' / 'iter_4.pth'))))
    assert decoder.latent_std.min() > 0 and decoder.latent_mean.abs().sum() > 0


def trained_tiny_gan(steps=2):
    torch.manual_seed(0)
    model = MODELS.build(tiny_gan_cfg(rampup=0.5))
    optim = build_optim_wrapper(model, OPTIM)
    for _ in range(steps):
        model.train_step(real_batch(), optim)
    model.update_latent_statistics()
    return model


def assert_same_state(module, state):
    own = module.state_dict()
    assert own.keys() == state.keys()
    for key, value in state.items():
        assert torch.equal(own[key], value.to(own[key].dtype)), key


def test_checkpoints_of_either_ema_layout_load_into_the_gan(tmp_path):
    model = trained_tiny_gan()
    state = model.state_dict()
    assert {'generator_ema.steps', 'generator_ema.module.latent_mean'} <= set(state)
    bare = bare_ema_layout(state)
    assert 'generator_ema.latent_mean' in bare and not any('generator_ema.module' in k for k in bare)
    # torch's load_state_dict, strict
    fresh = MODELS.build(tiny_gan_cfg(rampup=0.5))
    fresh.load_state_dict(bare)
    assert_same_state(fresh, state)  # generator_ema.steps: the iterations of the bare checkpoint
    for layout, weights in [('averaged', state), ('bare', bare)]:
        path = str(tmp_path / f'{layout}.pth')
        torch.save(dict(state_dict=weights, meta=dict(iter=2)), path)
        # mmengine's loader (load_from of mmengine's Runner) and dapfsr's checked one
        for load in (lambda m: load_checkpoint(m, path, strict=True), lambda m: load_model_weights(m, path)):
            fresh = MODELS.build(tiny_gan_cfg(rampup=0.5))
            load(fresh)
            assert_same_state(fresh, state)
    broken = dict(bare)
    broken.pop('generator_ema.latent_std')
    with pytest.raises(ValueError, match='missing.*generator_ema.module.latent_std'):
        load_model_weights(MODELS.build(tiny_gan_cfg()), str(tmp_path / 'broken.pth'),
                           loaded=dict(state_dict=broken))


@pytest.mark.parametrize('layout', ['averaged', 'bare'])
def test_decoder_readers_take_the_ema_generator_of_either_layout(tmp_path, layout):
    model = trained_tiny_gan()
    ema = model.generator_ema.module.state_dict()
    state = model.state_dict() if layout == 'averaged' else bare_ema_layout(model.state_dict())
    path = str(tmp_path / 'gan.pth')
    torch.save(dict(state_dict=state, meta=dict(iter=2)), path)
    decoder_cfg = tiny_gan_cfg()['generator']
    for prefix in (None, 'generator_ema'):  # found by its name, or named
        assert_same_state(MODELS.build(dict(decoder_cfg, pretrained=dict(ckpt_path=path,
                                                                         prefix=prefix))), ema)
        assert_same_state(build_decoder_from_checkpoint(path, prefix), ema)
    raw = load_stylegan2_checkpoint(StyleGANDecoder(**{k: v for k, v in decoder_cfg.items()
                                                       if k != 'type'}), path, prefix='generator')
    assert_same_state(raw, model.generator.state_dict())
    # DAP-FSR's decoder_checkpoint_prefix='generator_ema' (configs/_base_/models/dapfsr.py)
    assert TINY_MODEL['decoder'] == decoder_cfg
    dapfsr = MODELS.build(dict(TINY_MODEL, decoder_checkpoint=path,
                               decoder_checkpoint_prefix='generator_ema'))
    assert_same_state(dapfsr.decoder, ema)
    # publish_model.py --prefix generator_ema: the bare generator, as the committed decoder file
    published = publish_model.publish(path, str(tmp_path / 'decoder.pth'), prefix='generator_ema')
    assert load_checkpoint_file(published)['state_dict'].keys() == ema.keys()
    assert_same_state(build_decoder_from_checkpoint(published), ema)


def test_the_committed_decoder_file_loads_as_before():
    path = osp.join(REPO, 'checkpoints', 'stylegan2_small_celebahq64.pth')
    stored = load_checkpoint_file(path)['state_dict']  # a bare generator (publish_model.py, fp16)
    decoder = build_decoder_from_checkpoint(path)
    assert_same_state(decoder, stored)
    cfg = Config.fromfile(osp.join(REPO, 'configs', '_base_', 'models', 'stylegan2_small.py'))
    assert_same_state(MODELS.build(dict(cfg.model.generator, pretrained=dict(ckpt_path=path))), stored)


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
