"""RAIN (ASM's style network): AdaIN, its VAE on style statistics, a train step on real faces,
the configs, its learning-rate decay, checkpoints and a run through tools/train.py."""
import math
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import default_collate
from mmengine.optim import OptimWrapper, build_optim_wrapper

from dapfsr.models.archs import feature_statistics
from dapfsr.models.archs.adain import AdaINDecoder, adaptive_instance_norm
from dapfsr.registry import DATASETS, MODELS, PARAM_SCHEDULERS
from dapfsr.utils import load_model_weights
from conftest import REPO_ROOT

SMALL = osp.join(REPO_ROOT, 'configs', 'rain', 'rain_small_20k_celeba-hq.py')
PAPER = osp.join(REPO_ROOT, 'configs', 'rain', 'rain_paper_160k_celeba.py')
SMALL_LAYOUT = ((40, 16), 'U', (16, 8), 'U', (8, 8), 'U', (8, 3))


def tiny_rain(**kwargs):
    """The small profile's shipped EfficientNet-Lite0 features with a narrow decoder."""
    return MODELS.build(dict(
        type='RAIN', encoder=dict(type='EfficientNetLite0Features', layers=('block0', 'block2', 'block4')),
        decoder=dict(type='AdaINDecoder', layout=SMALL_LAYOUT), **kwargs))


def real_batch(root, num=2, size=32):
    """``num`` CelebA-HQ training faces, each with another one jittered as its style."""
    pipeline = [dict(type='LoadFaceImage', key='gt', num_channels=3),
                dict(type='MatlabResize', keys=['gt'], size=size), dict(type='PackFaceInputs')]
    faces = dict(type='CelebAHQDataset', data_root=root, split='train', indices=num + 1, pipeline=pipeline)
    style = dict(faces, pipeline=[*pipeline[:-1], dict(type='RandomPhotometricJitter', seed=0), pipeline[-1]])
    dataset = DATASETS.build(dict(type='ContentStyleDataset', content=faces, style=style, seed=0))
    return default_collate([dataset[i] for i in range(num)])


def snapshot(module):
    return {k: v.detach().clone() for k, v in module.named_parameters()}


def test_adain_gives_the_content_the_style_statistics_exactly():
    torch.manual_seed(0)
    content = torch.randn(2, 5, 6, 7) * 3 + 1
    mean, std = torch.randn(2, 5), torch.rand(2, 5) + 0.5
    for unbiased in (False, True):
        out = adaptive_instance_norm(content, mean, std, unbiased=unbiased)
        out_mean, out_std = feature_statistics(out, eps=0, unbiased=unbiased)
        assert torch.allclose(out_mean, mean, atol=1e-4) and torch.allclose(out_std, std, atol=1e-4)


def test_decoder_keeps_pytorch_adains_keys_and_checks_its_layout():
    decoder = AdaINDecoder()
    convs = sorted(int(k.split('.')[0]) for k in decoder.state_dict() if k.endswith('weight'))
    assert convs == [1, 5, 8, 11, 14, 18, 21, 25, 28]  # pytorch-AdaIN's decoder.pth keys
    assert decoder.scale == 8 and decoder.in_channels == 512 and decoder.out_channels == 3
    assert not isinstance(decoder[-1], torch.nn.ReLU)  # no output activation
    with pytest.raises(ValueError, match='chained'):
        AdaINDecoder(((40, 16), 'U', (8, 3)))


def test_network_shapes_init_and_frozen_encoder():
    model = tiny_rain()
    assert model.channels == 40 and model.latent_channels == 40  # C' = C by default
    assert model.fc_encoder[0].in_features == 80 and model.fc_encoder[0].out_features == 80  # H = 2C
    assert model.fc_encoder[-1].out_features == 80 and model.fc_decoder[-1].out_features == 80
    # RAIN's Kaiming init: weight variance 2 / fan_in (fan_in 80 * 1 for fc, 40 * 9 for the first conv)
    assert model.fc_encoder[2].weight.var().item() == pytest.approx(2 / 80, rel=0.1)
    assert model.decoder[1].weight.var().item() == pytest.approx(2 / 360, rel=0.15)
    assert not any(p.requires_grad for p in model.encoder.parameters())
    wide = tiny_rain(latent_channels=8, hidden_channels=32)
    assert wide.fc_encoder[-1].out_features == 16 and wide.fc_decoder[0].in_features == 8
    with pytest.raises(ValueError, match='block4 has 40'):
        MODELS.build(dict(type='RAIN', encoder=dict(type='EfficientNetLite0Features', layers=('block4', )),
                          decoder=dict(type='AdaINDecoder')))


def test_latent_loss_is_the_kl_term_by_hand():
    model = tiny_rain()
    psi, xi = torch.tensor([[0.5, -1.0]]), torch.tensor([[1.0, 0.5]])
    # 0.5 mean(psi^2 + xi^2 - log(xi^2 + 1e-5) - 1) over the two entries
    expected = 0.5 * ((0.25 + 1 - math.log(1 + 1e-5) - 1) + (1 + 0.25 - math.log(0.25 + 1e-5) - 1)) / 2
    model.posterior = lambda statistics: (psi.expand(2, -1), xi.expand(2, -1))
    model.latent_channels = 2
    model.fc_decoder = torch.nn.Linear(2, 80)
    losses = model.loss(torch.zeros(2, 3, 32, 32), torch.zeros(2, 3, 32, 32))
    assert losses['loss_latent'].item() == pytest.approx(expected, rel=1e-5)


def test_sampled_styles_have_the_posterior_mean_and_std():
    torch.manual_seed(0)
    psi, xi = torch.tensor([[1.0, -2.0, 0.0]]), torch.tensor([[0.5, -2.0, 0.1]])
    eps = tiny_rain().sample_style(psi.expand(20000, -1), xi.expand(20000, -1))
    assert eps.shape == (20000, 3)
    assert torch.allclose(eps.mean(0), psi[0], atol=0.05)
    assert torch.allclose(eps.std(0), xi[0].abs(), rtol=0.03)


def test_stylize_keeps_shape_and_range_and_is_differentiable_in_eps():
    torch.manual_seed(0)
    model = tiny_rain()
    content, style = torch.rand(2, 3, 48, 32) * 2 - 1, torch.rand(2, 3, 32, 32) * 2 - 1
    psi, xi = model.style_posterior(style)
    assert psi.shape == xi.shape == (2, 40)
    eps = model.sample_style(psi, xi).detach().requires_grad_()
    out = model.stylize(content, eps)
    assert out.shape == (2, 3, 48, 32) and out.min() >= -1 and out.max() <= 1
    out.sum().backward()
    assert eps.grad is not None and eps.grad.abs().sum() > 0
    assert model(content, style).shape == (2, 3, 48, 32)  # 'tensor' mode
    with pytest.raises(ValueError, match='multiples of 8'):
        model.stylize(torch.zeros(1, 3, 36, 32), eps[:1])


def test_train_step_on_real_faces_moves_decoder_and_fc_nets_only(celeba_hq_root):
    torch.manual_seed(0)
    model = tiny_rain().train()
    data = real_batch(celeba_hq_root)
    assert data['inputs'].shape == data['style'].shape == (2, 3, 32, 32)
    assert not torch.equal(data['inputs'], data['style'])
    optim = build_optim_wrapper(model, dict(optimizer=dict(type='Adam', lr=1e-3)))
    before = snapshot(model)
    log_vars = model.train_step(data, optim)
    assert {'loss_content', 'loss_style', 'loss_latent', 'loss_recons'} <= set(log_vars)
    assert all(torch.isfinite(v).all() for v in log_vars.values())
    after = snapshot(model)
    for name in before:
        moved = not torch.equal(before[name], after[name])
        assert moved == (not name.startswith('encoder.')), name
    with pytest.raises(KeyError, match='style'):
        model.train_step(dict(inputs=data['inputs']), optim)


def test_decoder_gradients_come_from_content_and_style_only():
    # RAIN's two backward passes: fc nets on latent + reconstruction, decoder on content + style
    torch.manual_seed(0)
    model = tiny_rain()
    losses = model(torch.rand(2, 3, 32, 32) * 2 - 1, torch.rand(2, 3, 32, 32) * 2 - 1, mode='loss')
    (losses['loss_content'] + losses['loss_style']).backward()
    assert all(p.grad is None or not p.grad.any() for p in model.fc_encoder.parameters())
    assert all(p.grad is None or not p.grad.any() for p in model.fc_decoder.parameters())
    assert model.decoder[1].weight.grad.abs().sum() > 0
    model.zero_grad()
    model(torch.rand(2, 3, 32, 32), torch.rand(2, 3, 32, 32), mode='loss')['loss_recons'].backward()
    assert all(p.grad is None for p in model.decoder.parameters())


def test_inverse_time_decay_of_the_learning_rate():
    cfg = Config.fromfile(SMALL)
    optim = OptimWrapper(torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=1e-4))
    schedulers = [PARAM_SCHEDULERS.build(dict(c, optimizer=optim)) for c in cfg.param_scheduler]
    lrs = []
    for _ in range(3):
        lrs.append(optim.param_groups[0]['lr'])
        optim.step()
        for scheduler in schedulers:
            scheduler.step()
    assert np.allclose(lrs, [1e-4, 1e-4 / (1 + 5e-5), 1e-4 / (1 + 1e-4)], rtol=1e-9)


def test_configs_build_and_follow_rain(celeba_hq_root):
    small = Config.fromfile(SMALL)
    model = MODELS.build(small.model)
    assert model.encoder.layers == ('block0', 'block2', 'block4') and model.decoder.in_channels == 40
    assert small.train_dataloader.batch_size == 8 and small.train_dataloader.dataset.type == 'ContentStyleDataset'
    dataset = DATASETS.build(dict(small.train_dataloader.dataset, seed=0))
    assert dataset[0]['inputs'].shape == dataset[0]['style'].shape == (3, 64, 64)
    paper = Config.fromfile(PAPER)  # no VGG weights here: the network only
    paper.model.encoder = dict(paper.model.encoder, pretrained=None, allow_random_weights=True)
    model = MODELS.build(paper.model)
    assert model.channels == model.latent_channels == 512 and model.fc_encoder[0].out_features == 1024
    assert model.stylize(torch.zeros(1, 3, 32, 32), torch.zeros(1, 512)).shape == (1, 3, 32, 32)
    assert paper.train_cfg.max_iters == 160000 and paper.train_dataloader.batch_size == 8
    for cfg in (small, paper):
        assert (cfg.model.content_weight, cfg.model.style_weight, cfg.model.latent_weight,
                cfg.model.recons_weight) == (1, 1, 1, 5)
        assert cfg.optim_wrapper.optimizer.lr == 1e-4
        assert cfg.default_hooks.checkpoint.interval == 1000 and cfg.default_hooks.checkpoint.max_keep_ckpts == 2


def write_tiny_config(folder):
    """The small config on 3 faces, batch 2, 32 px, a narrow decoder."""
    path = folder / 'tiny_rain.py'
    path.write_text(f"""_base_ = [{SMALL!r}]
model = dict(decoder=dict(layout={SMALL_LAYOUT!r}))
train_dataloader = dict(batch_size=2, num_workers=0, persistent_workers=False,
                        dataset=dict(content=dict(indices=3), style=dict(indices=3)))
train_cfg = dict(max_iters=3)
default_hooks = dict(checkpoint=dict(interval=3), logger=dict(interval=1))
log_processor = dict(window_size=1)
custom_hooks = [dict(_base_.custom_hooks[0], interval=3, num_samples=1, content=_base_.custom_hooks[0]['content'][:1])]
""")
    return path


def test_train_through_the_tool_and_reload_weights_only(tmp_path, celeba_hq_root, yaleb_root, run_tool,
                                                        logged_scalars):
    work_dir = tmp_path / 'work'
    config = write_tiny_config(tmp_path)
    run_tool('train.py', config, '--work-dir', work_dir)
    logs = {row['iter']: row for row in logged_scalars(work_dir) if 'loss_content' in row}
    assert sorted(logs) == [1, 2, 3] and all(math.isfinite(logs[i]['loss_recons']) for i in logs)
    assert (work_dir / 'styles' / 'iter_3.png').is_file()
    cfg = Config.fromfile(config)
    model = MODELS.build(cfg.model)
    load_model_weights(model, str(work_dir / 'iter_3.pth'), cfg.model)
    state = torch.load(work_dir / 'iter_3.pth', weights_only=True)['state_dict']
    assert state.keys() == model.state_dict().keys()
    assert all(torch.equal(state[k], v) for k, v in model.state_dict().items())
    assert not torch.equal(state['decoder.1.weight'], MODELS.build(cfg.model).decoder[1].weight)
