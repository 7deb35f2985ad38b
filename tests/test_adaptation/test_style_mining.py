"""ASM (AdversarialStyleMining) behind the one-shot loop (OneShotAdaptation): the mining step, its pairs, and what an
adaptation of each kind of model changes."""
import os.path as osp

import pytest
import torch
from mmengine.runner import set_random_seed

from adaptation_helpers import DEGRADATION, damma_cfg
from dapfsr.adaptation import Exemplars, OneShotAdaptation, PipelineDegradation
from dapfsr.registry import ADAPTATIONS, MODELS
from dapfsr.utils.matlab_resize import imresize
from conftest import HR_SIZE, LR_SIZE, TINY_DECODER

# VGG relu2_1 (128 ch at 1/2) as the content layer: a 16 px face has 8 x 8 maps
TINY_RAIN = dict(type='RAIN',
                 encoder=dict(type='VGG19Features', layers=('relu1_1', 'relu2_1'), allow_random_weights=True),
                 decoder=dict(type='AdaINDecoder', layout=((128, 16), 'U', (16, 3))),
                 latent_channels=8, hidden_channels=32)
TINY_MTDN = dict(type='MTDN',
                 generator=dict(type='MTDNGenerator', upscale=2, in_size=8, channels=(8, 8, 8, 8),
                                kernel_sizes=(3, 3, 3, 3), stns=(dict(channels=(4, ), kernel_sizes=(3, )), )),
                 discriminator=dict(type='MTDNDiscriminator', in_size=16))
TINY_PULSE = dict(type='PULSE', decoder=TINY_DECODER, gaussian_fit_samples=4096, steps=3, adaptation_steps=2)


@pytest.fixture(scope='module')
def rain_checkpoint(tmp_path_factory):
    torch.manual_seed(0)
    path = str(tmp_path_factory.mktemp('rain') / 'rain.pth')
    torch.save(dict(state_dict=MODELS.build(TINY_RAIN).state_dict()), path)
    return path


def asm_cfg(checkpoint, data_root, hr_size=HR_SIZE, **kwargs):
    return dict(type='AdversarialStyleMining', style_network=TINY_RAIN, style_checkpoint=checkpoint,
                source_faces=dict(type='CelebAHQDataset', data_root=data_root, split='test', pipeline=[
                    dict(type='LoadFaceImage', key='gt', num_channels=3),
                    dict(type='MatlabResize', keys=['gt'], size=hr_size)]), **kwargs)


def real_exemplar(data_root, hr_size=HR_SIZE):
    """A CelebA-HQ test face, gray and darkened on one side (a target-like style), and its LR face."""
    from dapfsr.datasets.transforms import image_to_tensor, read_image
    face = image_to_tensor(read_image(osp.join(data_root, 'test', '08499.jpg')))[None]
    face = imresize(face, size=(hr_size, hr_size)).mean(1, keepdim=True).expand(-1, 3, -1, -1)
    face = (face * torch.linspace(0.2, 1.0, hr_size)).clamp(0, 1) * 2 - 1
    return Exemplars(face, PipelineDegradation([dict(DEGRADATION[0], seed=1), *DEGRADATION[1:]])(face))


def test_the_mined_style_moves_up_the_task_loss_by_the_asm_rule(rain_checkpoint, celeba_hq_root, build_tiny_model):
    model = build_tiny_model()
    exemplars = real_exemplar(celeba_hq_root)
    augmenter = MODELS.build(asm_cfg(rain_checkpoint, celeba_hq_root, mining_step=0.05),
                             default_args=dict(degradation=DEGRADATION))
    set_random_seed(0)
    augmenter.reset(model, exemplars, 3)
    assert augmenter.loss(model, exemplars) is None  # the first step trains on the sampled style

    def task_loss():
        with torch.no_grad():
            hr = augmenter.stylized()
            lr = PipelineDegradation([dict(DEGRADATION[0], seed=5), *DEGRADATION[1:]])(hr)
            return sum(model.adaptation_loss(model.adaptation_forward(lr), hr).values()).item()

    before, eps = task_loss(), augmenter.style_latents.detach().clone()
    losses = augmenter.loss(model, exemplars)
    augmenter.style_latents.grad = None
    losses['loss_mining'].backward(inputs=[augmenter.style_latents])
    grad = augmenter.style_latents.grad.clone()
    torch.optim.SGD([augmenter.style_latents], lr=1.0).step()
    mined = augmenter.style_latents.detach()
    # SGD at lr 1 on -step log L is ASM's eps + step / L grad L: a step along -grad(-log L)
    assert torch.allclose(mined, eps - grad)
    assert grad.abs().sum() > 0
    assert task_loss() > before


def test_pairs_come_in_the_benchmarks_lr_format(rain_checkpoint, celeba_hq_root, build_tiny_model):
    model = build_tiny_model()
    exemplars = real_exemplar(celeba_hq_root)
    augmenter = MODELS.build(asm_cfg(rain_checkpoint, celeba_hq_root),
                             default_args=dict(degradation=[dict(DEGRADATION[0], seed=3), *DEGRADATION[1:]]))
    set_random_seed(0)
    augmenter.reset(model, exemplars, 2)
    augmenter.degradation.reset()
    hr, lr = augmenter.generate(model, exemplars, 2)
    assert hr.shape == (4, 3, HR_SIZE, HR_SIZE) and lr.shape == (4, 3, LR_SIZE, LR_SIZE)
    assert hr.min() >= -1 and hr.max() <= 1
    # the stylised faces, then the source faces themselves (ASM trains on both)
    assert torch.equal(hr[2:], augmenter.content)
    assert not torch.allclose(hr[:2], hr[2:], atol=0.05)
    # the LR faces are the benchmark pipeline's degradation of the HR faces, face by face
    reference = PipelineDegradation([dict(DEGRADATION[0], seed=3), *DEGRADATION[1:]])
    assert torch.equal(lr, reference(hr))
    without_source = MODELS.build(asm_cfg(rain_checkpoint, celeba_hq_root, include_source=False),
                                  default_args=dict(degradation=DEGRADATION))
    assert without_source.generate(model, exemplars, 2)[0].shape[0] == 2


def tiny_cpgan_with_guide(tmp_path):
    from PIL import Image
    Image.new('RGB', (32, 32), (120, 100, 90)).save(tmp_path / 'guide.png')
    return MODELS.build(dict(
        type='CPGAN', test_guide=str(tmp_path / 'guide.png'),
        generator=dict(type='CPGANGenerator', upscale_factor=4, channels=16, mid_channels=16,
                       landmark_channels=16, hourglass_depth=2, tail_channels=8),
        discriminator=dict(type='CPGANDiscriminator', in_size=32, channels=(8, 8, 8, 8)),
        perceptual=dict(type='VGG19Features', layers=('relu1_1', ), allow_random_weights=True)))


@pytest.mark.parametrize('kind, trainable', [('dapfsr', 'style_modulation'), ('mtdn', 'generator'),
                                             ('cpgan', 'generator'), ('pulse', 'style_modulation')])
def test_an_asm_adaptation_changes_only_what_its_config_trains(kind, trainable, rain_checkpoint,
                                                               celeba_hq_root, tmp_path, build_tiny_model):
    torch.manual_seed(0)
    model = dict(dapfsr=build_tiny_model, mtdn=lambda: MODELS.build(TINY_MTDN),
                 cpgan=lambda: tiny_cpgan_with_guide(tmp_path), pulse=lambda: MODELS.build(TINY_PULSE))[kind]()
    model.eval()
    exemplars = real_exemplar(celeba_hq_root, model.hr_size)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    damma = ADAPTATIONS.build(damma_cfg(type='OneShotAdaptation', outer_iters=2, inner_iters=2, batch_size=2,
                                        lr_alpha=1.0, lr_phi=0.05, trainable=trainable, augmenter_optimizer=dict(type='SGD'),
                                        exemplar_weight=0.5,
                                        augmenter=asm_cfg(rain_checkpoint, celeba_hq_root, model.hr_size)))
    history = damma.run(model, exemplars, seed=0)
    assert [r['inner'] for r in history] == [0, 1, 0, 1]
    # ASM's loop: the sampled style first, the mined one next
    assert ['loss_mining' in r for r in history] == [False, True, False, True]
    assert all(torch.isfinite(torch.tensor(v)).all() for r in history for k, v in r.items()
               if k.startswith('loss_'))
    trained = {name for name, _ in model.adaptable_parameters(trainable)}
    changed = {k for k, v in model.state_dict().items() if not torch.equal(v, before[k])}
    assert changed and changed <= trained, sorted(changed - trained)[:5]
    with pytest.raises(ValueError, match='cannot adapt'):
        model.adaptable_parameters('encoder')


def test_bad_source_faces_are_named(rain_checkpoint, celeba_hq_root, build_tiny_model):
    model = build_tiny_model()
    exemplars = real_exemplar(celeba_hq_root)
    wrong_size = MODELS.build(asm_cfg(rain_checkpoint, celeba_hq_root, hr_size=32),
                              default_args=dict(degradation=DEGRADATION))
    with pytest.raises(ValueError, match='source faces are 32 px; the model draws 16 px'):
        wrong_size.reset(model, exemplars, 2)
    with pytest.raises(FileNotFoundError, match='style_network config not found'):
        MODELS.build(dict(asm_cfg(rain_checkpoint, celeba_hq_root), style_network='missing/rain.py'),
                     default_args=dict(degradation=DEGRADATION))


def test_the_augmenter_optimizer_defaults_to_the_loops_own():
    loop = OneShotAdaptation(outer_iters=1, inner_iters=1, batch_size=1, lr_alpha=0.1, lr_phi=0.1,
                             optimizer=dict(type='Adam', betas=(0.5, 0.9)))
    assert loop.augmenter_optimizer == loop.optimizer
