"""CPGAN: its attention blocks, heatmap targets and losses, a train step, the configs, and a run
through tools/train.py, tools/test.py and tools/infer.py."""
import math
import os
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper, build_optim_wrapper

from dapfsr.datasets.transforms.landmarks import save_landmarks
from dapfsr.models.editors.cpgan.cpgan_networks import CrossAttention, CPGANDiscriminator, SelfAttention, SwitchNorm2d
from dapfsr.models.editors.cpgan.cpgan import landmark_heatmaps, style_loss
from dapfsr.models.losses import LeastSquaresGANLoss
from dapfsr.registry import MODELS, PARAM_SCHEDULERS
from dapfsr.structures import FaceSRDataSample
from conftest import REPO_ROOT

SMALL = osp.join(REPO_ROOT, 'configs', 'cpgan', 'cpgan_small_10k_celeba-hq.py')
PAPER = osp.join(REPO_ROOT, 'configs', 'cpgan', 'cpgan_paper_200k_celeba.py')
TINY_GENERATOR = dict(type='CPGANGenerator', upscale_factor=4, channels=16, mid_channels=16,
                      landmark_channels=16, hourglass_depth=2, tail_channels=8)
OPTIM = dict(constructor='MultiOptimWrapperConstructor',
             generator=dict(optimizer=dict(type='Adam', lr=1e-3, betas=(0.5, 0.999))),
             discriminator=dict(optimizer=dict(type='Adam', lr=1e-3, betas=(0.5, 0.999))))


def tiny_cpgan(test_guide=None, **kwargs):
    """8 px LR -> 32 px HR, landmark branch at 16 px, random VGG features (plumbing only)."""
    return MODELS.build(dict(
        type='CPGAN', generator=TINY_GENERATOR,
        discriminator=dict(type='CPGANDiscriminator', in_size=32, channels=(8, 8, 8, 8)),
        perceptual=dict(type='VGG19Features', layers=('relu1_1', ), allow_random_weights=True),
        test_guide=test_guide, **kwargs))


def batch(n=3, hr=32, lr=8, seed=0, detected=(True, False, True)):
    rng = torch.Generator().manual_seed(seed)
    samples = []
    for i in range(n):
        sample = FaceSRDataSample(gt_img=torch.rand(3, hr, hr, generator=rng))
        sample.set_metainfo(dict(gt_landmarks=(torch.rand(68, 2, generator=rng) * hr).numpy(),
                                 gt_landmarks_detected=detected[i % len(detected)]))
        samples.append(sample)
    return dict(inputs=torch.rand(n, 3, lr, lr, generator=rng), data_samples=samples)


def snapshot(module):
    return {k: v.detach().clone() for k, v in module.named_parameters()}


# ---------------------------------------------------------------- blocks

def test_self_attention_is_the_identity_at_initialisation():
    torch.manual_seed(0)
    attention, x = SelfAttention(16), torch.randn(2, 16, 5, 6)
    assert attention.gamma.item() == 0
    assert torch.equal(attention(x), x)
    with torch.no_grad():
        attention.gamma.fill_(1.0)
    assert not torch.allclose(attention(x), x)  # it does attend once gamma moves


def test_cross_attention_shapes_and_that_it_copies_from_the_guide():
    torch.manual_seed(0)
    attention = CrossAttention(8)
    content, guide = torch.randn(3, 8, 4, 5), torch.randn(3, 8, 6, 2)
    weights = attention.attention(content, guide)
    assert weights.shape == (3, 20, 12)  # content positions x guide positions
    assert torch.allclose(weights.sum(-1), torch.ones(3, 20))  # softmax over the guide
    out = attention(content, guide)
    assert out.shape == content.shape
    assert torch.equal(attention(content, guide), out)  # nothing changed: same output
    other = guide.clone()
    other[1] += torch.randn(8, 6, 2)
    changed = attention(content, other)
    assert torch.equal(changed[0], out[0]) and torch.equal(changed[2], out[2])
    assert not torch.allclose(changed[1], out[1])  # only the face whose guide changed
    # one guide serves the whole batch as the same guide repeated
    assert torch.allclose(attention(content, guide[:1]), attention(content, guide[:1].expand(3, -1, -1, -1)),
                          atol=1e-6)


def test_generator_output_depends_on_the_guide_and_its_shapes():
    torch.manual_seed(0)
    generator = MODELS.build(TINY_GENERATOR).eval()
    # at the N(0, 0.02) init the attention is near uniform: what it pastes is a per-channel
    # constant, which the next SwitchNorm's instance statistics remove; a trained net's
    # attention is sharp, as with PyTorch's default init of its 1x1 convs
    for conv in (generator.external.cross_attention.f, generator.external.cross_attention.g,
                 generator.external.cross_attention.h, generator.external.cross_attention.out):
        conv.reset_parameters()
    lr, guide = torch.rand(2, 3, 8, 8) * 2 - 1, torch.rand(2, 3, 8, 8) * 2 - 1
    with torch.no_grad():
        out = generator(lr, guide)
        again = generator(lr, guide)
        other = generator(lr, torch.rand(2, 3, 8, 8) * 2 - 1)
        face_only = generator(lr, guide, guide_output=False)
    assert out['sr'].shape == out['guide_sr'].shape == (2, 3, 32, 32)
    assert out['heatmaps'].shape == out['guide_heatmaps'].shape == (2, 68, 16, 16)  # at HR / 2
    assert set(face_only) == {'sr', 'heatmaps'} and torch.equal(face_only['sr'], out['sr'])
    assert torch.equal(again['sr'], out['sr'])
    assert (other['sr'] - out['sr']).abs().max() > 1e-6  # the guide reaches the face (outputs ~0.05 at init)
    assert out['sr'].abs().max() <= 1  # tanh


def test_switch_norm_with_instance_weights_is_instance_normalisation():
    norm = SwitchNorm2d(4)
    with torch.no_grad():  # softmax weights (1, 0, 0): instance statistics only
        norm.mean_weight.copy_(torch.tensor([50., 0., 0.]))
        norm.var_weight.copy_(torch.tensor([50., 0., 0.]))
    x = torch.randn(3, 4, 5, 5) * 3 + 2
    flat = x.flatten(2)
    expected = (x - flat.mean(-1)[..., None, None]) / (flat.var(-1)[..., None, None] + 1e-5).sqrt()
    assert torch.allclose(norm(x), expected, atol=1e-5)
    # running batch statistics: 0.9 r + 0.1 b from (0, 1)
    assert torch.allclose(norm.running_mean.flatten(), 0.1 * flat.mean(-1).mean(0), atol=1e-5)


def test_discriminator_scores_patches_and_least_squares_loss_values():
    disc = CPGANDiscriminator(in_size=64, channels=(8, 8, 8, 8))
    assert disc(torch.zeros(2, 3, 64, 64)).shape == (2, 1, 4, 4)  # 64 / 16
    with pytest.raises(ValueError, match='32'):
        disc(torch.zeros(1, 3, 32, 32))
    loss = LeastSquaresGANLoss()
    ones, zeros = torch.ones(2, 1, 4, 4), torch.zeros(2, 1, 4, 4)
    assert loss.discriminator_loss(ones, zeros).item() == 0  # perfect D
    assert loss.discriminator_loss(zeros, ones).item() == 1  # 0.5 (1 + 1)
    assert loss.generator_loss(zeros).item() == 1 and loss.generator_loss(ones).item() == 0
    assert loss.generator_loss(torch.full((1, 1, 2, 2), 0.5)).item() == 0.25


# ---------------------------------------------------------------- losses

def test_heatmap_targets_peak_at_the_landmarks():
    # a 64 px face, 32 px heatmaps: x' = (x + 0.5) / 2 - 0.5, so (8.5, 12.5) -> column 4, row 6
    points = torch.tensor([[[8.5, 12.5], [40.5, 2.5]]])
    maps = landmark_heatmaps(points, (64, 64), (32, 32), sigma=1.0)
    assert maps.shape == (1, 2, 32, 32)
    assert maps[0, 0].argmax().item() == 6 * 32 + 4 and maps[0, 0, 6, 4].item() == pytest.approx(1.0)
    assert maps[0, 1].argmax().item() == 1 * 32 + 20
    assert maps[0, 0, 6, 5].item() == pytest.approx(math.exp(-0.5))  # one heatmap pixel away
    assert maps[0, 0, 8, 6].item() == pytest.approx(math.exp(-4.0))  # (2, 2) away: d^2 = 8


def test_style_loss_compares_channel_means_and_stds():
    img = torch.zeros(1, 3, 4, 4)
    reference = torch.full((1, 3, 4, 4), 0.5)
    reference[..., ::2, :] = -0.5  # mean 0, unbiased std sqrt(16 / 15 * 0.25)
    std = math.sqrt(16 / 15 * 0.25 + 1e-5)
    assert style_loss(img, reference).item() == pytest.approx((std - math.sqrt(1e-5)) ** 2, rel=1e-5)
    assert style_loss(img + 0.3, img).item() == pytest.approx(0.09, rel=1e-5)  # the means only


def test_faces_without_detected_landmarks_are_left_out_of_the_heatmap_loss():
    torch.manual_seed(0)
    model = tiny_cpgan().train()
    heatmaps = torch.rand(3, 68, 16, 16)
    points = torch.rand(3, 68, 2) * 32
    detected = torch.tensor([True, False, True])
    loss = model.heatmap_loss(heatmaps, points, detected, (32, 32))
    moved = points.clone()
    moved[1] += 5.0
    assert model.heatmap_loss(heatmaps, moved, detected, (32, 32)) == loss
    moved[0] += 5.0
    assert model.heatmap_loss(heatmaps, moved, detected, (32, 32)) != loss
    assert model.heatmap_loss(heatmaps, points, torch.zeros(3, dtype=torch.bool), (32, 32)).item() == 0


# ---------------------------------------------------------------- training

def test_train_step_changes_generator_and_discriminator_with_finite_losses():
    torch.manual_seed(0)
    model = tiny_cpgan().train()
    optim = build_optim_wrapper(model, OPTIM)
    g0, d0 = snapshot(model.generator), snapshot(model.discriminator)
    perceptual0 = snapshot(model.perceptual)
    log_vars = model.train_step(batch(), optim)
    assert {'loss_pixel', 'loss_style', 'loss_adversarial', 'loss_perceptual', 'loss_heatmap',
            'loss_guide_pixel', 'loss_guide_perceptual', 'loss_guide_heatmap', 'loss_disc'} <= set(log_vars)
    assert all(torch.isfinite(v) for v in log_vars.values())
    unchanged = {k for k, p in model.generator.named_parameters() if torch.equal(p, g0[k])}
    # every layer moves but SAGAN's q, k, v: with gamma = 0 no gradient reaches them yet
    assert unchanged == {f'internal.body.3.{name}.{kind}' for name in ('query', 'key', 'value')
                         for kind in ('weight', 'bias')}
    assert all(not torch.equal(p, d0[k]) for k, p in model.discriminator.named_parameters())
    assert all(torch.equal(p, perceptual0[k]) for k, p in model.perceptual.named_parameters())
    assert all(p.requires_grad for p in model.discriminator.parameters())  # unfrozen after G's step


def test_training_refuses_a_batch_of_one_and_testing_needs_a_guide(tmp_path):
    model = tiny_cpgan()
    with pytest.raises(ValueError, match='at least 2'):
        model(*model.data_preprocessor(batch(n=1)).values(), mode='loss')
    with pytest.raises(ValueError, match='test_guide'):
        model(torch.zeros(1, 3, 8, 8))
    no_landmarks = batch(n=2)
    for sample in no_landmarks['data_samples']:
        sample.set_metainfo(dict(gt_landmarks_detected=True))
        del sample.gt_landmarks
    with pytest.raises(KeyError, match='LoadFaceLandmarks'):
        model(*model.data_preprocessor(no_landmarks).values(), mode='loss')
    assert 'loss_heatmap' not in tiny_cpgan(heatmap_loss_weight=0)(
        *model.data_preprocessor(no_landmarks).values(), mode='loss')


def test_the_test_guide_is_resized_to_the_hr_then_the_lr_size(tmp_path):
    face = np.random.default_rng(0).integers(0, 255, (40, 36, 3), np.uint8)
    cv2.imwrite(str(tmp_path / 'guide.png'), face)
    model = tiny_cpgan(test_guide=str(tmp_path / 'guide.png'), test_guide_crop_box=(2, 1, 32, 32)).eval()
    assert model.test_guide.shape == (1, 3, 32, 32)
    assert torch.allclose(model.test_guide[0, :, 0, 0], torch.tensor(face[2, 1, ::-1] / 127.5 - 1).float())
    assert 'test_guide' not in model.state_dict()  # the config names it, checkpoints do not fix it
    assert model.test_guide_lr(torch.zeros(2, 3, 8, 8)).shape == (1, 3, 8, 8)
    samples = model(torch.zeros(2, 3, 8, 8), [FaceSRDataSample(), FaceSRDataSample()], mode='predict')
    assert samples[0].pred_img.shape == (3, 32, 32)
    with pytest.raises(ValueError, match='outside'):
        tiny_cpgan(test_guide=str(tmp_path / 'guide.png'), test_guide_crop_box=(20, 0, 32, 32))


# ---------------------------------------------------------------- configs

def test_configs_build_and_follow_the_source(celeba_hq_root):
    small = Config.fromfile(SMALL)
    model = MODELS.build(small.model)
    assert model.generator.upscale_factor == 4 and model.discriminator.in_size == 64
    assert [t['type'] for t in small.train_dataloader.dataset.pipeline][-2:] == ['LoadFaceLandmarks',
                                                                                 'PackFaceInputs']
    assert model.test_guide.shape == (1, 3, 128, 128)
    for name in ('cpgan_small_10k_celeba-hq2yaleb.py', 'cpgan_paper_200k_celeba2yaleb.py'):
        cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', 'cpgan', name))
        assert cfg.test_dataloader.dataset.type == 'ExtendedYaleBDataset'
        assert len(cfg.test_dataloader.dataset.conditions) == 10
    paper = Config.fromfile(PAPER)  # no VGG weights nor CelebA here: the network only
    paper.model.perceptual = dict(type='VGG19Features', layers=('relu3_1', ), allow_random_weights=True)
    paper.model.test_guide = None
    model = MODELS.build(paper.model)
    assert model.generator.upscale_factor == 8 and model.discriminator.in_size == 128
    out = model.generator(torch.zeros(1, 3, 16, 16), torch.zeros(1, 3, 16, 16))
    assert out['heatmaps'].shape == (1, 68, 64, 64)  # the paper's branch at 64 px
    for cfg in (small, paper):
        assert cfg.model.pixel_loss_weight == 1 and cfg.model.style_loss_weight == 1e-2
        assert cfg.model.adversarial_loss_weight == 1e-1 and cfg.model.perceptual_loss_weight == 1e-2
        assert cfg.model.heatmap_loss_weight == pytest.approx(10 / 68)
        assert cfg.optim_wrapper.generator.optimizer.betas == (0.5, 0.999)
        assert cfg.train_dataloader.batch_size == 4


def test_learning_rate_decays_by_099_per_epoch_for_both_optimizers():
    cfg = Config.fromfile(SMALL)
    optim = OptimWrapper(torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=1e-4))
    schedulers = [PARAM_SCHEDULERS.build(dict(c, optimizer=optim)) for c in cfg.param_scheduler]
    lrs = []
    for _ in range(4001):
        lrs.append(optim.param_groups[0]['lr'])
        optim.step()
        for scheduler in schedulers:
            scheduler.step()
    assert np.allclose(lrs, [1e-4] * 2000 + [0.99e-4] * 2000 + [0.99 ** 2 * 1e-4])


# ---------------------------------------------------------------- tools

def write_tiny_config(folder, max_iters, landmarks, source=SMALL):
    """The small config on 4 CelebA-HQ faces, batch 2, a narrow generator, random features."""
    model = dict(generator=dict(TINY_GENERATOR, _delete_=True),
                 discriminator=dict(channels=(8, 8, 8, 8)),
                 perceptual=dict(type='VGG19Features', layers=('relu1_1', ), allow_random_weights=True,
                                 _delete_=True))
    path = folder / f'tiny_{osp.basename(source)}'
    path.write_text(f"""_base_ = [{source!r}]
model = {model!r}
train_pipeline = _base_.train_pipeline[:-2] + [
    dict(type='LoadFaceLandmarks', landmarks_file={str(landmarks)!r}), _base_.train_pipeline[-1]]
train_dataloader = dict(batch_size=2, num_workers=0, dataset=dict(indices=4, pipeline=train_pipeline))
train_cfg = dict(max_iters={max_iters}, val_interval={max_iters})
val_dataloader = dict(batch_size=2, num_workers=0, dataset=dict(indices=2))
test_dataloader = dict(num_workers=0)
default_hooks = dict(checkpoint=dict(interval=2, save_best=None), logger=dict(interval=1))
log_processor = dict(window_size=1)
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]  # FaceNet's IDSim: its own tests
""")
    return path


def test_train_test_and_infer_through_the_tools(tmp_path, celeba_hq_root, yaleb_root, capsys, run_tool,
                                                logged_scalars, check_checkpoint_test_and_infer):
    # landmarks of the first 4 training faces: a plausible layout (the converter's own test
    # runs the detector); the first face's marked undetected
    keys = [f'train/{name}' for name in sorted(os.listdir(osp.join(celeba_hq_root, 'train')))[:4]]
    grid = np.stack(np.meshgrid(np.linspace(30, 98, 17), np.linspace(40, 100, 4)), -1).reshape(-1, 2)
    landmarks = tmp_path / 'landmarks.npz'
    save_landmarks(landmarks, keys, np.repeat(grid[None], 4, 0), [False, True, True, True],
                   [(128, 128)] * 4, 'test layout')
    work_dir = tmp_path / 'work'
    run_tool('train.py', write_tiny_config(tmp_path, 4, landmarks), '--work-dir', work_dir)
    logs = {row['iter']: row for row in logged_scalars(work_dir) if 'loss_pixel' in row}
    assert sorted(logs) == [1, 2, 3, 4]
    assert all(math.isfinite(logs[i]['loss_heatmap']) and math.isfinite(logs[i]['loss_disc']) for i in logs)

    check_checkpoint_test_and_infer(write_tiny_config(tmp_path, 4, landmarks), write_tiny_config(tmp_path, 4, landmarks, source=SMALL.replace('.py', '2yaleb.py')), work_dir / 'iter_4.pth', tmp_path, capsys, hr_size=64)
