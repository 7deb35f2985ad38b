import pytest
import torch

from dapfsr.registry import MODELS

TINY_RESNET = dict(type='ResNetBackbone', depth=18)


def tiny_encoder(**kwargs):
    cfg = dict(type='DAPEncoder', num_latents=6, style_channels=16, backbone=TINY_RESNET,
               input_size=32, context_channels=8, ale_channels=8, attention_reduction=4,
               istn_positions=(0, 1, 2), istn_channels=4)
    cfg.update(kwargs)
    return MODELS.build(cfg)


@pytest.mark.parametrize('multi_scale', [True, False])
def test_encoder_maps_lr_faces_to_wplus_offsets(multi_scale):
    torch.manual_seed(0)
    encoder = tiny_encoder(multi_scale=multi_scale)
    lr = torch.rand(2, 3, 16, 16) * 2 - 1
    feats = encoder.backbone_features(lr)
    context = encoder.pyramid_context(feats)
    # input 32 -> C3 4x4, C4 2x2, C5 1x1; C3, C4, C5 and the global feature, 8 channels each
    if multi_scale:
        assert context.shape == (2, 32, 4, 4)
    else:
        assert context.shape == (2, 8, 1, 1)
    assert encoder.context_size == context.shape[-1]
    assert len(encoder.ales) == 6
    offsets = encoder(lr)
    assert offsets.shape == (2, 6, 16)
    offsets.sum().backward()
    assert all(p.grad is not None for p in encoder.istns.parameters() if p.requires_grad)


def test_istns_are_the_identity_at_init():
    torch.manual_seed(0)
    with_istn = tiny_encoder(istn_positions=(0, 1, 2, 3))
    without = tiny_encoder(istn_positions=())
    without.load_state_dict({k: v for k, v in with_istn.state_dict().items()
                             if not k.startswith('istns.')})
    with_istn.eval()
    without.eval()
    lr = torch.rand(2, 3, 16, 16) * 2 - 1
    with torch.no_grad():
        assert torch.allclose(with_istn(lr), without(lr), atol=1e-5)


def test_an_istn_warps_its_tap_and_the_stages_after_it():
    torch.manual_seed(0)
    encoder = tiny_encoder(istn_positions=(3,)).eval()
    lr = torch.rand(1, 3, 16, 16) * 2 - 1
    with torch.no_grad():
        upright = encoder.backbone_features(lr)
        encoder.istns['3'].to_theta.bias.copy_(torch.tensor([0., -1., 0., 1., 0., 0.]))  # 90 deg
        turned = encoder.backbone_features(lr)
    assert torch.equal(turned[1], upright[1])
    assert any(torch.allclose(turned[2], torch.rot90(upright[2], k, (2, 3)), atol=1e-5)
               for k in (1, 3))
    assert not torch.allclose(turned[3], upright[3], atol=1e-3)


def test_bad_encoder_inputs_and_configs_give_clear_errors():
    with pytest.raises(ValueError, match='istn_positions'):
        tiny_encoder(istn_positions=(0, 7))
    with pytest.raises(ValueError, match=r'\(N, 3, h, w\)'):
        tiny_encoder()(torch.rand(1, 1, 16, 16))


@pytest.mark.parametrize('norm_eval', [True, False])
def test_norm_eval_freezes_the_backbone_batch_statistics(norm_eval):
    torch.manual_seed(0)
    encoder = tiny_encoder(norm_eval=norm_eval).train()
    bn = [m for m in encoder.backbone.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    before = [m.running_mean.clone() for m in bn]
    encoder(torch.rand(2, 3, 16, 16) * 2 - 1)
    moved = [not torch.equal(b, m.running_mean) for b, m in zip(before, bn)]
    assert all(m.training != norm_eval for m in bn)
    assert not any(moved) if norm_eval else all(moved)
    assert all(m.training for m in encoder.ales.modules())  # only the backbone's BN is frozen
