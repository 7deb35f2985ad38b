"""PULSE: its loss pieces against hand-computed values, the search, the configs and tools/test.py."""
import glob
import math
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config

from dapfsr.datasets import protocol_config
from dapfsr.models.editors.pulse.pulse import PULSE, SphericalOptimizer, geocross, linear_1cycle_drop
from dapfsr.registry import MODELS
from dapfsr.structures import FaceSRDataSample
from dapfsr.utils.checkpoint import checkpoint_keys
from dapfsr.utils.matlab_resize import imresize
from conftest import REPO_ROOT, TINY_DECODER

CONFIGS = sorted(glob.glob(osp.join(REPO_ROOT, 'configs', 'pulse', '*.py')))
SMALL = 'configs/pulse/pulse_small_100_celeba-hq.py'


def tiny_pulse(**kwargs):
    torch.manual_seed(0)
    return PULSE(decoder=TINY_DECODER, gaussian_fit_samples=4096, **kwargs)


def psnr(a, b):
    """PSNR of faces (N, C, H, W) in [-1, 1]."""
    return 10 * torch.log10(4 / (a - b).square().mean((1, 2, 3)))


def test_geocross_of_known_latents():
    # rows at 90, 0, 180 and 60 degrees: pair angles d = 2 atan2(|x - y|, |x + y|)
    dim = 4
    x = torch.tensor([3.0, 0, 0, 0])
    rows = [torch.tensor([0, 3.0, 0, 0]), x, -x, 3 * torch.tensor([0.5, math.sqrt(3) / 2, 0, 0])]
    latents = torch.stack([torch.stack([x, y]) for y in rows])  # (4, 2, D)
    # mean over the 4 pairs (two diagonal, zero) of D d^2, / 8
    expected = [dim * 2 * angle ** 2 / 4 / 8 for angle in (math.pi / 2, 0.0, math.pi, math.pi / 3)]
    assert geocross(latents).tolist() == pytest.approx(expected, abs=1e-3)


def test_spherical_optimizer_keeps_each_vector_and_noise_map_on_its_sphere():
    generator = torch.Generator().manual_seed(0)
    z = torch.randn(2, 3, 5, generator=generator).requires_grad_()
    noise = torch.randn(2, 1, 4, 4, generator=generator).requires_grad_()
    start = z.detach().clone()
    z_radii, noise_radii = z.detach().norm(dim=-1), noise.detach().flatten(1).norm(dim=-1)
    optimizer = SphericalOptimizer(torch.optim.Adam([z, noise], lr=0.5))
    for _ in range(3):
        optimizer.zero_grad()
        ((z - 1).square().sum() + (noise + 2).square().sum()).backward()
        optimizer.step()
    assert torch.allclose(z.detach().norm(dim=-1), z_radii, atol=1e-5)
    assert torch.allclose(noise.detach().flatten(1).norm(dim=-1), noise_radii, atol=1e-5)
    # the rows turned towards (1, ..., 1), the direction of the gradient steps
    ones = torch.ones(5)
    assert (F.cosine_similarity(z.detach(), ones, -1) > F.cosine_similarity(start, ones, -1)).all()


def test_linear_1cycle_drop_factors():
    # S = 100: triangle 0.1 -> 1 -> 0.1 over steps 0..90, then 0.1 -> 0.001 over 90..100
    for step, factor in ((0, 0.1), (9, 0.28), (45, 1.0), (81, 0.28), (90, 0.1), (95, 0.0505),
                         (99, 0.0109)):
        assert linear_1cycle_drop(step, 100) == pytest.approx(factor), step


def test_latent_transform_fits_the_mapping_outputs_once():
    model = tiny_pulse()
    decoder = model.decoder
    with torch.no_grad():
        w = decoder.style_mapping(torch.randn(8192, decoder.style_channels,
                                              generator=torch.Generator().manual_seed(1)))
        mean, std = model.gaussian_fit()
        inverse = F.leaky_relu(w, 5.0)  # fresh samples: agree within a few standard errors
        assert torch.allclose(mean, inverse.mean(0), atol=0.1 * float(std.min()))
        assert torch.allclose(std, inverse.std(0), rtol=0.05)
        # lrelu_0.2(z sigma + mu) draws rows distributed about as the mapping's outputs (the
        # pre-activations are near, not exactly, Gaussian); z sigma + mu alone, without the
        # lrelu, is off by up to 2.4 sigma in the mean here
        rows = model.latent_transform(torch.randn(8192, decoder.style_channels))
        assert ((rows.mean(0) - w.mean(0)).abs() < 0.15 * w.std(0)).all()
        assert torch.allclose(rows.std(0), w.std(0), rtol=0.25)
    assert model.gaussian_fit()[0] is mean  # kept, not refitted per call
    assert 'fit_mean' not in model.state_dict() and checkpoint_keys(model)  # no decoder file
    decoder.load_state_dict(decoder.state_dict())  # new decoder weights: fitted again
    assert model.fit_mean is None and torch.equal(model.gaussian_fit()[0], mean)


def test_noise_maps_follow_pulse_trainable_first_maps_last_zeroed():
    model = tiny_pulse(num_trainable_noises=2)
    z, noises = model.initial_variables([0, 1, 2])
    assert z.shape == (3, model.decoder.num_latents, model.decoder.style_channels) and z.requires_grad
    assert [tuple(n.shape) for n in noises] == [(3, 1, 4, 4), (3, 1, 8, 8), (3, 1, 8, 8), (3, 1, 16, 16),
                                                (3, 1, 16, 16)]
    assert [n.requires_grad for n in noises] == [True, True, False, False, False]
    assert not noises[-1].any() and noises[-2].std() > 0.5
    with pytest.raises(ValueError, match='num_trainable_noises=9: the decoder has 5 noise maps'):
        tiny_pulse(num_trainable_noises=9)


def test_each_face_is_searched_on_its_own_from_its_seed():
    model = tiny_pulse(steps=3, eps=1e-6)
    lr = torch.rand(2, 3, 8, 8) * 2 - 1
    samples = [FaceSRDataSample(metainfo=dict(sample_idx=i)) for i in (3, 7)]
    pair = model(lr, samples, mode='predict')
    alone = model(lr[1:], [FaceSRDataSample(metainfo=dict(sample_idx=7))], mode='predict')
    assert torch.allclose(pair[1].pred_img, alone[0].pred_img, atol=1e-5)
    assert not torch.allclose(pair[0].pred_img, alone[0].pred_img, atol=1e-2)
    assert pair[1].pred_latent.shape == (model.decoder.num_latents, model.decoder.style_channels)


def test_below_eps_the_downscaling_loss_stops_pulling_and_the_best_face_is_kept():
    lr = torch.rand(2, 3, 8, 8) * 2 - 1
    start = tiny_pulse(steps=1)(lr)  # one step: the face of the initial latents
    # eps above any L2: a constant loss without GEOCROSS, nothing moves, the first face is best
    frozen = tiny_pulse(steps=4, eps=10.0, geocross_weight=0.0)(lr, mode='predict')
    assert torch.allclose(torch.stack([s.pred_img for s in frozen]), (start.clamp(-1, 1) + 1) / 2)
    model = tiny_pulse(steps=10, eps=1e-6)
    best_l2 = torch.stack([s.pulse_l2 for s in model(lr, mode='predict')])
    sr = model(lr)  # the same search again, unclamped
    recomputed = (imresize((sr + 1) / 2, size=8) - (lr + 1) / 2).square().mean((1, 2, 3))
    start_l2 = (imresize((start + 1) / 2, size=8) - (lr + 1) / 2).square().mean((1, 2, 3))
    assert torch.allclose(recomputed, best_l2, rtol=1e-3) and (best_l2 < start_l2).all()
    with pytest.raises(ValueError, match='PULSE has nothing to learn'):
        tiny_pulse()(lr, mode='loss')


def test_out_size_resizes_the_decoder_face():
    lr = torch.rand(1, 3, 8, 8) * 2 - 1
    face = tiny_pulse(steps=2)(lr)
    assert face.shape == (1, 3, 16, 16)
    assert torch.allclose(tiny_pulse(steps=2, out_size=8)(lr), imresize(face, size=8), atol=1e-6)


def test_pulse_recovers_a_face_of_the_small_decoder_better_than_bicubic():
    cfg = Config.fromfile(osp.join(REPO_ROOT, SMALL))
    # eps below any reachable L2: the search keeps matching the LR face (with PULSE's
    # 2e-3 it stops at an LR face within eps, about bicubic's PSNR: README); 50 steps for time
    model = MODELS.build(dict(cfg.model, decoder_checkpoint=osp.join(REPO_ROOT, cfg.model.decoder_checkpoint),
                              gaussian_fit_samples=20000, eps=1e-5, steps=50))
    seeds = [0, 1]
    _, noises = model.initial_variables(seeds)  # a face inside the search space: PULSE's own noise
    with torch.no_grad():
        z = torch.randn(len(seeds), model.decoder.style_channels, generator=torch.Generator().manual_seed(5))
        gt = model.decoder(z, injected_noise=[n.detach() for n in noises], truncation=0.7).clamp(-1, 1)
        lr = imresize(gt, size=16)
        sr = model(lr).clamp(-1, 1)
    bicubic = imresize(lr, size=64).clamp(-1, 1)
    assert (psnr(sr, gt) > psnr(bicubic, gt) + 1).all(), (psnr(sr, gt), psnr(bicubic, gt))


def test_pulse_searches_a_public_rosinality_generator():
    data = osp.join(REPO_ROOT, 'tests', 'data', 'stylegan2')
    config = torch.load(osp.join(data, 'rosinality_outputs.pth'), weights_only=True)['config']
    model = PULSE(decoder=dict(type='StyleGANDecoder', **config), gaussian_fit_samples=1024, steps=2,
                  decoder_checkpoint=osp.join(data, 'rosinality_generator.pth'), out_size=16)
    assert checkpoint_keys(model) == []  # the g_ema weights load from the release file
    assert model(torch.zeros(2, 3, 8, 8)).shape == (2, 3, 16, 16)  # brought to out_size


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_builds(path):
    cfg = Config.fromfile(path)
    assert cfg.model.type == 'PULSE' and cfg.get('train_dataloader') is None
    if '2yaleb' in path:
        assert protocol_config(cfg)['dataset'] == cfg.test_dataloader.dataset
    if '_small_' in path:
        decoder = osp.join(REPO_ROOT, cfg.model.decoder_checkpoint)
        model = MODELS.build(dict(cfg.model, decoder_checkpoint=decoder))
        assert checkpoint_keys(model) == []  # tools/test.py runs it without a checkpoint
        assert model.decoder.out_size == 64 and model.num_trainable_noises == 4
        assert model.steps == 100  # PULSE's, the "100" of the file name
    else:  # the paper decoder is the user's file
        with pytest.raises(FileNotFoundError, match=cfg.model.decoder_checkpoint):
            MODELS.build(dict(cfg.model, decoder_checkpoint=osp.join('/nonexistent',
                                                                     cfg.model.decoder_checkpoint)))


def run_test_tool(tool_runner, *args):
    """``python tools/test.py args`` from the project root, a child of the session's
    ``tool_runner`` process; its output, after asserting it succeeded."""
    result = tool_runner.run(['test.py', *args], timeout=300)
    assert result['status'] == 0, result['stderr'][-3000:]
    return result['stdout'] + result['stderr']


def test_test_tool_runs_pulse_source_only_on_yaleb_without_a_checkpoint(tmp_path, yaleb_root, tool_runner):
    config = tmp_path / 'pulse_yaleb.py'
    config.write_text(  # one step on one split's 37 faces, in one batch
        f"_base_ = [{osp.join(REPO_ROOT, 'configs/pulse/pulse_small_100_celeba-hq2yaleb.py')!r}]\n"
        "model = dict(steps=1, gaussian_fit_samples=4096)\n"
        "test_dataloader = dict(batch_size=64)\n"
        "test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]  # FaceNet's IDSim: its own tests\n")
    out = run_test_tool(tool_runner, str(config), '--one-shot', 'source_only', '--max-tasks', '1', '--work-dir',
                        str(tmp_path), '--cfg-options', 'one_shot_protocol.exemplar_seeds=[0]')
    assert '37 faces (seeds' in out and '[1/1] A+000E+00 seed 0: PSNR' in out
    assert (tmp_path / 'grid_source_only_A+000E+00.png').is_file()
    assert (tmp_path / 'grids' / 'test_A+000E+00_seed0.png').is_file()  # ResultGridHook's


def test_infer_tool_runs_pulse_without_a_checkpoint(tmp_path, capsys, run_infer):
    config = tmp_path / 'pulse.py'
    decoder = osp.join(REPO_ROOT, 'checkpoints', 'stylegan2_small_celebahq64.pth')
    config.write_text(f"_base_ = [{osp.join(REPO_ROOT, SMALL)!r}]\n"
                      f"model = dict(steps=2, gaussian_fit_samples=4096, decoder_checkpoint={decoder!r})\n")
    (tmp_path / 'lr').mkdir()
    face = np.random.default_rng(0).integers(0, 255, (16, 16, 3), np.uint8)
    cv2.imwrite(str(tmp_path / 'lr' / 'face.png'), face)
    code, _, err = run_infer(capsys, config, tmp_path / 'lr', tmp_path / 'sr')
    assert code == 0, err
    written = cv2.imread(str(tmp_path / 'sr' / 'face.png.png'))
    assert written.shape == (64, 64, 3)
    # the pixels are PULSE's search result for that face, run here without the tool
    # (the RGB face in [-1, 1], model(x, mode='tensor'); 1 level: rounding)
    from dapfsr.apis import init_model
    model = init_model(str(config))
    x = torch.from_numpy(face[..., ::-1].copy()).permute(2, 0, 1)[None].float() / 127.5 - 1
    with torch.no_grad():
        sr = model(x, mode='tensor')[0].clamp(-1, 1)
    expected = ((sr + 1) * 127.5).round().permute(1, 2, 0).numpy()
    assert np.abs(written[..., ::-1].astype(float) - expected).max() <= 1
