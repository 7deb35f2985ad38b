"""MTDN (docs/baselines.md#mtdn): its STNs, generator shapes per profile, balance rule, train step,
schedules, configs and a run through tools/train.py, tools/test.py and tools/infer.py."""
import json
import math
import os.path as osp
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.optim import OptimWrapper, build_optim_wrapper

from dapfsr.models.editors.mtdn.mtdn import SimilaritySTN, balance_updates
from dapfsr.utils.checkpoint import load_checkpoint_file
from dapfsr.registry import MODELS, PARAM_SCHEDULERS
from dapfsr.structures import FaceSRDataSample
from conftest import REPO_ROOT

CONFIGS = osp.join(REPO_ROOT, 'configs', 'mtdn')
SMALL = osp.join(CONFIGS, 'mtdn_small_2k_celeba-hq.py')
PAPER = osp.join(CONFIGS, 'mtdn_paper_100k_celeba.py')
# 8 px LR -> 16 px SR; one STN with a 3x3 localisation stage at 16 px; D at 16 px
TINY = dict(type='MTDN',
            generator=dict(type='MTDNGenerator', upscale=2, in_size=8, channels=(8, 8, 8, 8),
                           kernel_sizes=(3, 3, 3, 3), stns=(dict(channels=(4, ), kernel_sizes=(3, )), )),
            discriminator=dict(type='MTDNDiscriminator', in_size=16))
RMSPROP = dict(type='RMSprop', lr=1e-3, alpha=0.9, eps=1e-8)
OPTIM = dict(constructor='MultiOptimWrapperConstructor', generator=dict(optimizer=RMSPROP),
             discriminator=dict(optimizer=RMSPROP))


def batch(n=4, lr_size=8, hr_size=16, hr_value=None, seed=0):
    rng = torch.Generator().manual_seed(seed)
    samples = []
    for _ in range(n):
        sample = FaceSRDataSample()
        sample.gt_img = (torch.rand(3, hr_size, hr_size, generator=rng) if hr_value is None
                         else torch.full((3, hr_size, hr_size), hr_value))
        samples.append(sample)
    return dict(inputs=[torch.rand(3, lr_size, lr_size, generator=rng) for _ in range(n)],
                data_samples=samples)


def snapshot(module):
    return {k: v.detach().clone() for k, v in module.named_parameters()}


def changed(module, before):
    return {k for k, p in module.named_parameters() if not torch.equal(p, before[k])}


def constant_discriminator(model, logit):
    """D's last FC set to output ``logit`` for every face (errors softplus(-logit), softplus(logit))."""
    with torch.no_grad():
        model.discriminator.head[-1].weight.zero_()
        model.discriminator.head[-1].bias.fill_(logit)


def tiny_model(seed=0):
    torch.manual_seed(seed)
    model = MODELS.build(TINY)
    return model, build_optim_wrapper(model, OPTIM)


# ---------------------------------------------------------------- STNs and shapes

def test_stn_starts_as_the_identity_and_has_the_source_fc_widths():
    stn1 = SimilaritySTN(512, 32)  # docs/baselines.md#mtdn-stns: flatten 80 on 512 x 32 x 32
    stn2 = SimilaritySTN(256, 64, channels=(128, 20, 20), kernel_sizes=(5, 5, 3))  # flatten 180
    assert stn1.localization[-2].in_features == 80 and stn2.localization[-2].in_features == 180
    x = torch.randn(2, 512, 32, 32)
    assert torch.allclose(stn1(x), x, atol=1e-5)
    assert torch.allclose(stn1.similarity(x), torch.tensor([[0., 1., 0., 0.]] * 2))
    with pytest.raises(ValueError, match='too small'):
        SimilaritySTN(8, 16)


def rotation(angle):
    c, s = math.cos(angle), math.sin(angle)
    return torch.tensor([[[c, -s, 0.], [s, c, 0.]]])


@pytest.mark.parametrize('size, stages', [(32, dict()),  # STN1's localisation
                                          (64, dict(channels=(128, 20, 20), kernel_sizes=(5, 5, 3)))],
                         ids=['stn1', 'stn2'])
def test_stn_learns_a_known_rotation(size, stages):
    """A pattern seen rotated by 20 degrees: the STN must learn to rotate it back (-20 degrees)."""
    torch.manual_seed(0)
    ys, xs = torch.meshgrid(torch.linspace(-1, 1, size), torch.linspace(-1, 1, size), indexing='ij')
    blobs = [(-0.35, -0.2, 0.15), (0.3, 0.05, 0.22), (0.0, 0.4, 0.1)]  # asymmetric: (x, y, sigma)
    pattern = sum(torch.exp(-((xs - x) ** 2 + (ys - y) ** 2) / (2 * s ** 2)) for x, y, s in blobs)
    target = torch.stack([pattern, pattern.flip(1)])[None]  # (1, 2, S, S)
    applied = math.radians(20)
    seen = F.grid_sample(target, F.affine_grid(rotation(applied), list(target.shape), align_corners=False),
                         align_corners=False)
    stn = SimilaritySTN(2, size, **stages)
    optimizer = torch.optim.Adam(stn.parameters(), lr=0.02)
    start = F.mse_loss(stn(seen), target).item()
    for _ in range(60):
        loss = F.mse_loss(stn(seen), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    angle, scale, tx, ty = stn.similarity(seen)[0].tolist()
    assert abs(math.degrees(angle) + 20) < 2, math.degrees(angle)
    assert abs(scale - 1) < 0.05 and abs(tx) < 0.05 and abs(ty) < 0.05
    assert F.mse_loss(stn(seen), target).item() < 0.1 * start


@pytest.mark.parametrize('config, out_size, stn_sizes', [(PAPER, 128, [32, 64]), (SMALL, 64, [32, 64])],
                         ids=['paper', 'small'])
def test_configs_build_the_generator_of_their_profile(config, out_size, stn_sizes):
    cfg = Config.fromfile(config)
    model = MODELS.build(cfg.model).eval()
    assert model.discriminator.in_size == model.generator.out_size == out_size
    assert [stn.size for stn in model.generator.stns] == stn_sizes  # STN1, STN2 in both profiles
    assert model.lr_size == 16
    with torch.no_grad():
        sr = model(torch.zeros(1, 3, 16, 16))
        logit = model.discriminator(sr)
    assert sr.shape == (1, 3, out_size, out_size) and logit.shape == (1, 1)
    assert cfg.optim_wrapper.generator.optimizer == RMSPROP
    assert cfg.optim_wrapper.discriminator.optimizer == RMSPROP
    assert cfg.train_dataloader.batch_size == (64 if config == PAPER else 16)
    hooks = {h['type']: h for h in cfg.custom_hooks}
    assert hooks['LossWeightDecayHook'] == dict(type='LossWeightDecayHook', attribute='adversarial_weight',
                                                gamma=0.99, minimum=0.005)
    target = Config.fromfile(config.replace('.py', '2yaleb.py'))
    assert target.test_dataloader.dataset.type == 'ExtendedYaleBDataset'
    assert target.test_dataloader.dataset.pipeline == cfg.test_pipeline
    assert [e['type'] for e in target.test_evaluator] == ['PSNR', 'SSIM', 'LPIPS', 'FIQ', 'IDSim']


def test_generator_refuses_other_lr_sizes_and_upscales():
    model, _ = tiny_model()
    with pytest.raises(ValueError, match='takes 8 px LR faces'):
        model(torch.zeros(1, 3, 16, 16))
    with pytest.raises(ValueError, match='power of two'):
        MODELS.build(dict(TINY['generator'], upscale=3))
    with pytest.raises(ValueError, match='discriminator in_size 32 != generator out_size 16'):
        MODELS.build(dict(TINY, discriminator=dict(type='MTDNDiscriminator', in_size=32)))


# ---------------------------------------------------------------- balance rule and train step

@pytest.mark.parametrize('err_real, err_fake, expected', [
    (0.5, 0.5, (True, True)),
    (0.29, 0.5, (False, True)),   # D too good on reals: skip D
    (0.5, 0.2, (False, True)),    # D too good on fakes: skip D
    (0.71, 0.5, (True, False)),   # D too weak: skip G
    (0.5, 0.9, (True, False)),
    (0.3, 0.7, (True, True)),     # the margins themselves skip nothing
    (0.1, 0.8, (True, True)),     # both would be skipped: both update
    (0.9, 0.2, (True, True)),
])
def test_balance_rule(err_real, err_fake, expected):
    assert balance_updates(err_real, err_fake) == expected


def test_train_step_updates_generator_and_discriminator_with_finite_losses():
    model, optim = tiny_model()
    with torch.no_grad():  # D's logits near 0: both errors near ln 2, inside the margins
        model.discriminator.head[-1].weight.mul_(0.01)
        model.discriminator.head[-1].bias.zero_()
    g0, d0 = snapshot(model.generator), snapshot(model.discriminator)
    log_vars = model.train_step(batch(), optim)
    assert {'loss_mse', 'loss_adv', 'err_real', 'err_fake', 'update_d', 'update_g'} <= set(log_vars)
    assert all(torch.isfinite(v) for v in log_vars.values())
    assert log_vars['update_d'] == 1 and log_vars['update_g'] == 1
    # the STN's localisation layers get no gradient while its zero-initialised last FC is zero
    assert changed(model.generator, g0) == {k for k in g0 if '.localization.' not in k}
    assert changed(model.discriminator, d0) == set(d0)
    assert all(p.requires_grad for p in model.discriminator.parameters())


def test_train_step_skips_the_generator_when_the_discriminator_is_weak():
    model, optim = tiny_model()
    constant_discriminator(model, 0.5)  # err_real 0.47, err_fake 0.97 > 0.7
    g0, d0 = snapshot(model.generator), snapshot(model.discriminator)
    log_vars = model.train_step(batch(), optim)
    assert log_vars['err_fake'] > 0.7 and log_vars['update_g'] == 0 and log_vars['update_d'] == 1
    assert not changed(model.generator, g0) and changed(model.discriminator, d0)


def test_train_step_updates_both_when_both_would_be_skipped():
    model, optim = tiny_model()
    constant_discriminator(model, 2.)  # err_real 0.13 < 0.3, err_fake 2.13 > 0.7
    g0, d0 = snapshot(model.generator), snapshot(model.discriminator)
    log_vars = model.train_step(batch(), optim)
    assert log_vars['update_g'] == 1 and log_vars['update_d'] == 1
    assert changed(model.generator, g0) and changed(model.discriminator, d0)


def test_train_step_skips_the_discriminator_when_it_is_too_good():
    model, optim = tiny_model()
    with torch.no_grad():  # G draws black faces (-1); the real faces are white (+1)
        model.generator.to_rgb.weight.zero_()
        model.generator.to_rgb.bias.fill_(-1.)
    data = batch(hr_value=1.)
    real, fake = torch.ones(2, 3, 16, 16), -torch.ones(2, 3, 16, 16)
    d_optimizer = torch.optim.Adam(model.discriminator.parameters(), lr=1e-3)
    for _ in range(30):  # teach D the difference
        logits = model.discriminator(torch.cat([real, fake]))
        loss = F.binary_cross_entropy_with_logits(logits, torch.tensor([[1.], [1.], [0.], [0.]]))
        d_optimizer.zero_grad()
        loss.backward()
        d_optimizer.step()
    g0, d0 = snapshot(model.generator), snapshot(model.discriminator)
    log_vars = model.train_step(data, optim)
    assert log_vars['err_real'] < 0.3 and log_vars['err_fake'] < 0.3
    assert log_vars['update_d'] == 0 and log_vars['update_g'] == 1
    assert not changed(model.discriminator, d0) and changed(model.generator, g0)


def test_loss_mode_is_the_generator_objective():
    model, _ = tiny_model()
    constant_discriminator(model, 0.)
    data = model.data_preprocessor(batch(n=2), False)
    model.eval()  # D's dropout off
    losses = model(data['inputs'], data['data_samples'], mode='loss')
    sr = model(data['inputs'])
    hr = model.data_preprocessor.stack_gt(data['data_samples'])
    assert torch.allclose(losses['loss_mse'], ((sr - hr) ** 2).mean())
    assert torch.allclose(losses['loss_adv'], torch.tensor(0.01 * math.log(2)))  # BCE(sigmoid(0), 1)


# ---------------------------------------------------------------- schedules

def test_learning_rate_schedule_of_the_configs():
    """lr / 50 for 50 updates, lr / 5 to 100, then x0.99 per epoch (here 200 iterations)."""
    cfg = Config.fromfile(SMALL)
    optim = OptimWrapper(torch.optim.RMSprop([torch.nn.Parameter(torch.zeros(1))], lr=1e-3))
    schedulers = [PARAM_SCHEDULERS.build(dict(c, optimizer=optim, epoch_length=200))
                  for c in cfg.param_scheduler]  # as the Runner builds them
    lrs = []
    for _ in range(601):
        lrs.append(optim.param_groups[0]['lr'] / 1e-3)
        optim.step()
        for scheduler in schedulers:
            scheduler.step()
    expected = [1 / 50] * 50 + [1 / 5] * 50 + [1.] * 100 + [0.99] * 200 + [0.99 ** 2] * 200 + [0.99 ** 3]
    assert np.allclose(lrs, expected)
    stop = next(c for c in cfg.param_scheduler if c['type'] == 'StepLR')['end']
    assert 1e-3 * 0.99 ** (stop - 1) >= 1e-6 > 1e-3 * 0.99 ** stop  # the 1e-6 floor


# ---------------------------------------------------------------- tools

def write_tiny_config(folder, max_iters, source=SMALL):
    """The small config on 4 CelebA-HQ faces (batch 2: 2 iterations per epoch) with a narrow
    generator; lambda x0.5 per epoch, floored at 0.003, so that a few iterations show it."""
    model = dict(generator=dict(channels=(8, 8, 8, 8)))
    path = folder / f'tiny_{osp.basename(source)}'
    path.write_text(f"""_base_ = [{source!r}]
model = {model!r}
train_dataloader = dict(batch_size=2, num_workers=0, dataset=dict(indices=4))
train_cfg = dict(max_iters={max_iters}, val_interval={max_iters})
val_dataloader = dict(batch_size=2, num_workers=0, dataset=dict(indices=2))
test_dataloader = dict(num_workers=0)
default_hooks = dict(checkpoint=dict(interval=2, save_best=None), logger=dict(interval=1))
log_processor = dict(window_size=1)
custom_hooks = [dict(_base_.lambda_decay, gamma=0.5, minimum=0.003)]
""")
    return path


def test_train_resume_test_and_infer_through_the_tools(tmp_path, celeba_hq_root, yaleb_root, capsys, run_tool,
                                                       logged_scalars, check_checkpoint_test_and_infer):
    work_dir = tmp_path / 'work'
    run_tool('train.py', write_tiny_config(tmp_path, 4), '--work-dir', work_dir)
    first_run = {path.parent.name for path in work_dir.glob('*/vis_data')}
    out = run_tool('train.py', write_tiny_config(tmp_path, 6), '--work-dir', work_dir, '--resume')
    # it continued from iteration 4 ('resumed' alone is in mmengine's 'Auto resumed from the
    # latest checkpoint None.', printed when it resumes nothing and starts over)
    assert re.search(r'resumed epoch: \d+, iter: 4\n', out), out[-3000:]
    resumed_run = [path for path in work_dir.glob('*/vis_data/scalars.json')
                   if path.parent.parent.name not in first_run]
    assert [row['iter'] for path in resumed_run for row in map(json.loads, path.read_text().splitlines())
            if 'loss_mse' in row] == [5, 6]  # the resumed run trained iterations 5 and 6 only
    logs = {row['iter']: row for row in logged_scalars(work_dir) if 'loss_mse' in row}
    assert sorted(logs) == [1, 2, 3, 4, 5, 6]
    # lambda = max(0.01 * 0.5 ** epoch, 0.003), 2 iterations per epoch, across the resume
    assert [round(logs[i]['adversarial_weight'], 6) for i in range(1, 7)] == [0.01, 0.01, 0.005, 0.005,
                                                                              0.003, 0.003]
    # lr: the warm-up's lr / 50, x0.99 per epoch
    for i, row in logs.items():
        assert row['generator.lr'] == row['discriminator.lr'] == pytest.approx(2e-5 * 0.99 ** ((i - 1) // 2))
    assert all(math.isfinite(logs[i]['loss_mse']) for i in logs)
    assert any('PSNR' in row for row in logged_scalars(work_dir))  # validation ran
    # 4 + 2 iterations give the model and optimizer of 6 iterations in one run. Not bitwise:
    # a checkpoint keeps no random state, and D's dropout draws from torch's (|diff| 2.8e-4
    # after the 2 iterations, here); weights not resumed differ by ~0.1, and an optimizer not
    # resumed shows in its step counts (G 1, D 2 instead of G 4, D 6)
    run_tool('train.py', write_tiny_config(tmp_path, 6), '--work-dir', tmp_path / 'straight')
    resumed = load_checkpoint_file(str(work_dir / 'iter_6.pth'))
    straight = load_checkpoint_file(str(tmp_path / 'straight' / 'iter_6.pth'))
    assert resumed['state_dict'].keys() == straight['state_dict'].keys()
    difference = max((resumed['state_dict'][k].float() - v.float()).abs().max().item()
                     for k, v in straight['state_dict'].items())
    assert difference < 1e-3, difference

    def steps(checkpoint):
        return {name: sorted({int(s['step']) for s in opt['state'].values()})
                for name, opt in checkpoint['optimizer'].items()}

    assert steps(resumed) == steps(straight) and steps(straight)['discriminator'] == [6]

    check_checkpoint_test_and_infer(write_tiny_config(tmp_path, 6), write_tiny_config(tmp_path, 6, source=SMALL.replace('.py', '2yaleb.py')), work_dir / 'iter_6.pth', tmp_path, capsys, hr_size=64)
