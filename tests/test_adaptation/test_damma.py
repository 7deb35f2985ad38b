"""DAMMA (Algorithm 1) on a tiny random DAP-FSR: what changes, alpha, L_s, determinism."""
import math

import pytest
import torch
from mmengine.runner import set_random_seed
from adaptation_helpers import DEGRADATION, damma_cfg, make_exemplars

from dapfsr.adaptation import DAMMA, Exemplars, HardLatentMixing, OneShotAdaptation, SoftLatentMixing
from dapfsr.registry import ADAPTATIONS, MODELS


def snapshot(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def phi_names(model):
    return {f'decoder.{n}' for n, _ in model.decoder.style_modulation_parameters()}


def test_constrained_adaptation_changes_only_phi(build_tiny_model):
    model = build_tiny_model()
    flags = {n: p.requires_grad for n, p in model.named_parameters()}
    before = snapshot(model)
    damma = ADAPTATIONS.build(damma_cfg())
    damma.run(model, make_exemplars(), seed=0)
    after = model.state_dict()
    phi = phi_names(model)
    assert phi and all('style_modulation' in n for n in phi)
    unchanged = [k for k in before if torch.equal(before[k], after[k])]
    assert set(unchanged) == set(before) - phi  # every phi tensor moved, nothing else did
    assert {n: p.requires_grad for n, p in model.named_parameters()} == flags
    assert not model.training


def test_whole_decoder_finetuning_keeps_encoder_and_mapping(build_tiny_model):
    model = build_tiny_model()
    before = snapshot(model)
    ADAPTATIONS.build(damma_cfg(trainable='decoder', outer_iters=1)).run(model, make_exemplars(), seed=0)
    after = model.state_dict()
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    assert 'decoder.convs.0.conv.weight' in changed and phi_names(model) <= changed
    assert all(k.startswith('decoder.') and not k.startswith('decoder.style_mapping.') for k in changed)


def test_alpha_is_a_sigmoid_in_the_unit_interval_and_restarts_each_outer_iteration(build_tiny_model):
    model = build_tiny_model()
    exemplars = make_exemplars()
    damma = ADAPTATIONS.build(damma_cfg(lr_alpha=50.0, optimizer=dict(type='SGD'), outer_iters=2, inner_iters=4,
                                   augmenter=dict(type='SoftLatentMixing', alpha_init=0.3)))
    history = damma.run(model, exemplars, seed=0)
    alphas = torch.tensor([r['alpha'] for r in history])
    assert alphas.shape == (8, model.decoder.num_latents)
    assert ((alphas > 0) & (alphas < 1)).all()  # even after huge SGD steps on the logits
    assert (alphas - 0.3).abs().max() > 0.1  # and it did move
    augmenter = damma.augmenter
    augmenter.reset(model, exemplars, 2)  # Algorithm 1, line 4: alpha <- alpha_0
    assert torch.allclose(augmenter.mixing_weight(), torch.full((model.decoder.num_latents, ), 0.3))
    assert torch.allclose(augmenter.alpha_logits, torch.full_like(augmenter.alpha_logits,
                                                                  math.log(0.3 / 0.7)))


def test_style_loss_falls_over_the_inner_loop(build_tiny_model):
    # Eq. 9 alone drives alpha here: its gradient step must lower L_s in every outer iteration.
    model = build_tiny_model()
    cfg = damma_cfg(outer_iters=2, inner_iters=6, lr_alpha=0.1, lr_phi=1e-3,
                    augmenter=dict(type='SoftLatentMixing', content_weight=0.0))
    history = ADAPTATIONS.build(cfg).run(model, make_exemplars(), seed=0)
    for outer in range(2):
        style = [r['loss_style'] for r in history if r['outer'] == outer]
        assert style[-1] < 0.85 * style[0]
        assert sum(b < a for a, b in zip(style, style[1:])) >= len(style) - 2


def test_alpha_step_descends_eq7_with_both_terms(build_tiny_model):
    model = build_tiny_model()
    cfg = damma_cfg(outer_iters=1, inner_iters=8, lr_alpha=0.05, lr_phi=0.0)  # decoder held fixed
    history = ADAPTATIONS.build(cfg).run(model, make_exemplars(), seed=0)
    total = [r['loss_content'] + r['loss_style'] for r in history]
    assert total[-1] < total[0]


def test_same_seed_same_phi_other_seed_other_phi(build_tiny_model):
    results = []
    for seed in (3, 3, 4):
        model = build_tiny_model()
        ADAPTATIONS.build(damma_cfg(outer_iters=1)).run(model, make_exemplars(), seed=seed)
        results.append([p.detach().clone() for _, p in model.decoder.style_modulation_parameters()])
    assert all(torch.equal(a, b) for a, b in zip(results[0], results[1]))
    assert not all(torch.equal(a, b) for a, b in zip(results[0], results[2]))


def test_direct_finetuning_uses_the_exemplars_alone(build_tiny_model):
    model = build_tiny_model()
    before = snapshot(model)
    damma = ADAPTATIONS.build(damma_cfg(type='OneShotAdaptation'))  # no augmenter by default
    assert type(damma) is OneShotAdaptation and damma.augmenter is None
    history = damma.run(model, make_exemplars(num=2), seed=0)
    assert set(history[0]) == {'outer', 'inner', 'loss_pixel', 'loss_perceptual'}
    changed = {k for k in before if not torch.equal(before[k], model.state_dict()[k])}
    assert changed == phi_names(model)


def test_hard_mixing_takes_the_exemplars_last_three_layers(build_tiny_model):
    model = build_tiny_model()
    exemplars = make_exemplars()
    augmenter = MODELS.build(dict(type='HardLatentMixing', degradation=damma_cfg()['degradation']))
    assert isinstance(augmenter, HardLatentMixing) and not list(augmenter.parameters())
    hr, lr = augmenter.generate(model, exemplars, 3)
    assert hr.shape == (3, 3, 16, 16) and lr.shape == (3, 3, 8, 8)
    num = model.decoder.num_latents
    assert augmenter.mixing_weight().tolist() == [1.0] * (num - 3) + [0.0] * 3
    mixed = augmenter.mixed_latents()
    assert torch.equal(mixed[:, :-3], augmenter.source_latents[:, :-3])
    assert torch.equal(mixed[:, -3:], augmenter.target_latents.expand(3, -1, -1)[:, -3:])
    torch.testing.assert_close(hr, model.decode(mixed))


def test_k_exemplars_pair_generated_faces_in_turn(build_tiny_model):
    model = build_tiny_model()
    exemplars = make_exemplars(num=2)
    augmenter = SoftLatentMixing(alpha_init=0.5, degradation=damma_cfg()['degradation'])
    augmenter.reset(model, exemplars, 5)
    assert augmenter.target_latents.shape[0] == 2
    with torch.no_grad():
        expected = 0.5 * augmenter.target_latents[[0, 1, 0, 1, 0]] + 0.5 * augmenter.source_latents
        torch.testing.assert_close(augmenter.mixed_latents(), expected)


def test_an_adaptation_to_two_exemplars_learns_from_both(build_tiny_model):
    """Each of K = 2 exemplars steers the adaptation: another face in either place gives
    other phi (a run that used only the first, or only the last, would not see the change),
    and both exemplars' reconstructions improve."""
    first, other = make_exemplars(num=2, seed=1), make_exemplars(num=2, seed=2)

    def pair(a, b):  # exemplar 0 from ``a``, exemplar 1 from ``b``
        return Exemplars(torch.cat([a.hr[:1], b.hr[1:]]), torch.cat([a.lr[:1], b.lr[1:]]))

    def reconstruction_errors(model, exemplars):
        with torch.no_grad():
            return (model.decode(model.encode_latents(exemplars.lr)) - exemplars.hr).abs().mean((1, 2, 3))

    phis = {}
    for name, exemplars in (('both', first), ('second replaced', pair(first, other)),
                            ('first replaced', pair(other, first))):
        model = build_tiny_model()
        before = reconstruction_errors(model, exemplars)
        ADAPTATIONS.build(damma_cfg(outer_iters=1, inner_iters=3, batch_size=3)).run(model, exemplars, seed=0)
        phis[name] = torch.cat([p.detach().flatten() for _, p in model.decoder.style_modulation_parameters()])
        after = reconstruction_errors(model, exemplars)
        assert (after < 0.95 * before).all(), (name, before.tolist(), after.tolist())
    assert not torch.allclose(phis['both'], phis['second replaced'])
    assert not torch.allclose(phis['both'], phis['first replaced'])


def test_a_trainable_group_the_model_lacks_is_named(build_tiny_model):
    with pytest.raises(ValueError, match="cannot adapt 'encoder'.*style_modulation"):
        ADAPTATIONS.build(damma_cfg(trainable='encoder')).run(build_tiny_model(), make_exemplars(), seed=0)


@pytest.mark.parametrize('bad, message', [(dict(inner_iters=0), 'inner_iters'),
                                          (dict(augmenter=dict(type='SoftLatentMixing', alpha_init=1.0)),
                                           'alpha_init')])
def test_bad_settings_are_named(bad, message):
    with pytest.raises(ValueError, match=message):
        ADAPTATIONS.build(damma_cfg(**bad))


@pytest.mark.parametrize('augmenter', [None, dict(type='ColorStatisticsTransfer')])
def test_damma_without_latent_mixing_names_the_loop_to_use(augmenter):
    # Algorithm 1 mixes latents: an old config's DAMMA with no augmenter (direct fine-tuning)
    # or another augmenter is told the type that runs it
    with pytest.raises(ValueError, match="type='OneShotAdaptation'"):
        ADAPTATIONS.build(damma_cfg(augmenter=augmenter))
    assert type(ADAPTATIONS.build(damma_cfg(type='OneShotAdaptation', augmenter=augmenter))) is OneShotAdaptation


def test_augmenter_needs_a_degradation():
    with pytest.raises(ValueError, match='degradation'):
        DAMMA(outer_iters=1, inner_iters=1, batch_size=1, lr_alpha=0.1, lr_phi=0.1)


def test_exemplar_weight_splits_eq5_between_generated_and_real_pairs(build_tiny_model):
    model = build_tiny_model()
    exemplars = make_exemplars(num=2)
    losses = {}
    for weight in (None, 0.0, 0.25, 1.0):
        damma = ADAPTATIONS.build(damma_cfg(batch_size=3, exemplar_weight=weight))
        set_random_seed(0)  # the same generated pairs (latents, affines) for every weight
        damma.augmenter.reset(model, exemplars, 3)
        losses[weight] = {k: v.item() for k, v in damma.phi_loss(model, exemplars).items()}
    with torch.no_grad():
        real = model.loss(model.decode(model.encode_latents(exemplars.lr)), exemplars.hr)
    for name in ('loss_pixel', 'loss_perceptual'):
        assert losses[1.0][name] == pytest.approx(real[name].item(), rel=1e-5)  # exemplars alone
        generated = losses[0.0][name]
        assert losses[0.25][name] == pytest.approx(0.75 * generated + 0.25 * real[name].item(), rel=1e-5)
        # pooled: the batch mean over 3 generated and 2 real pairs
        assert losses[None][name] == pytest.approx(0.6 * generated + 0.4 * real[name].item(), rel=1e-4)
    with pytest.raises(ValueError, match='exemplar_weight'):
        ADAPTATIONS.build(damma_cfg(exemplar_weight=1.5))


def test_refined_target_latents_draw_the_exemplar_closer_than_the_projection(build_tiny_model):
    model = build_tiny_model()
    exemplars = make_exemplars(num=2)
    with torch.no_grad():
        projected = model.encode_latents(exemplars.lr)
    errors = {}
    for steps in (0, 20):
        augmenter = SoftLatentMixing(degradation=DEGRADATION, target_refine_steps=steps,
                                     target_refine_lr=0.05)
        augmenter.reset(model, exemplars, 3)
        assert not augmenter.target_latents.requires_grad
        if steps == 0:  # the paper's w^t: Eq. 2 on the exemplar's LR face
            assert torch.equal(augmenter.target_latents, projected)
        with torch.no_grad():
            errors[steps] = (model.decode(augmenter.target_latents) - exemplars.hr).square().mean()
    assert errors[20] < 0.8 * errors[0]
    assert not any(p.grad is not None and p.grad.abs().sum() > 0 for p in model.parameters())


def test_a_list_of_groups_adapts_their_union_and_nothing_else(build_tiny_model):
    """phi + the synthesis biases (the activation biases after each modulated conv and
    to_rgb's) change; the encoder's batch norms adapt their scales and shifts only, with
    their running statistics kept."""
    model = build_tiny_model()
    before = snapshot(model)
    ADAPTATIONS.build(damma_cfg(trainable=['style_modulation', 'synthesis_bias'], outer_iters=1)).run(
        model, make_exemplars(), seed=0)
    changed = {k for k, v in model.state_dict().items() if not torch.equal(before[k], v)}
    biases = {k for k in before if k.startswith('decoder.') and (
        k.endswith('.activate.bias') or (k.split('.')[1].startswith('to_rgb') and k.endswith('.bias')
                                         and 'style_modulation' not in k))}
    assert len(biases) == 8  # the 16 px decoder's 5 styled convs and 3 to_rgbs
    assert changed == phi_names(model) | biases

    model = build_tiny_model()
    before = snapshot(model)
    ADAPTATIONS.build(damma_cfg(trainable='encoder_norm', outer_iters=1)).run(model, make_exemplars(), seed=0)
    changed = {k for k, v in model.state_dict().items() if not torch.equal(before[k], v)}
    norms = {f'encoder.{name}.{p}' for name, m in model.encoder.named_modules()
             if isinstance(m, torch.nn.BatchNorm2d) for p in ('weight', 'bias')}
    assert norms and changed == norms
