import copy
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import OptimWrapper

from dapfsr.registry import DATASETS, MODELS
from dapfsr.structures import FaceSRDataSample
from conftest import REPO_ROOT, TINY_DECODER, TINY_ENCODER, TINY_PERCEPTUAL


def tiny_model(**kwargs):
    cfg = dict(type='DAPFSR', encoder=TINY_ENCODER, decoder=TINY_DECODER,
               perceptual=TINY_PERCEPTUAL)
    cfg.update(kwargs)
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    model.init_weights()
    if 'decoder_checkpoint' not in kwargs:  # a checkpoint brings its own mu_w, sigma_w
        model.decoder.update_latent_statistics(256, generator=torch.Generator().manual_seed(0))
    return model


def face_batch(n=2, channels=3, hr=16, lr=8):
    torch.manual_seed(1)
    samples = []
    for i in range(n):
        sample = FaceSRDataSample(metainfo=dict(img_path=f'face{i}.png'))
        sample.gt_img = torch.rand(channels, hr, hr)
        sample.lr_img = torch.nn.functional.interpolate(sample.gt_img[None], size=lr,
                                                        mode='area')[0]
        samples.append(sample)
    return dict(inputs=[s.lr_img for s in samples], data_samples=samples)


def test_encoder_takes_its_latent_shape_from_the_decoder():
    model = tiny_model()
    assert model.encoder.num_latents == model.decoder.num_latents == 6
    assert model.encoder.style_channels == 16
    with pytest.raises(ValueError, match='num_latents=7'):
        tiny_model(encoder=dict(TINY_ENCODER, num_latents=7))


def test_eq2_offset_scale_around_the_decoder_latent_statistics():
    model = tiny_model().eval()
    lr = torch.rand(3, 3, 8, 8) * 2 - 1
    mu, sigma = model.decoder.latent_mean, model.decoder.latent_std
    assert sigma.min() > 0 and not torch.allclose(mu, torch.zeros_like(mu))
    with torch.no_grad():
        offsets = model.encoder(lr)
        assert torch.allclose(model.encode_latents(lr), mu + offsets * sigma)
        for ale in model.encoder.ales:  # E(I_LR) = 0 -> w = mu_w for every layer
            ale.to_latent.weight.zero_()
            ale.to_latent.bias.zero_()
        assert torch.equal(model.encode_latents(lr), mu.expand(3, 6, 16))
    direct = tiny_model(offset_scale=False).eval()
    with torch.no_grad():
        assert torch.equal(direct.encode_latents(lr), direct.encoder(lr))


def test_training_steps_change_the_encoder_only():
    model = tiny_model()
    model.train()
    assert model.encoder.training and not model.decoder.training
    assert not model.perceptual.training
    assert not any(p.requires_grad for p in model.decoder.parameters())
    decoder_before = copy.deepcopy(model.decoder.state_dict())
    perceptual_before = copy.deepcopy(model.perceptual.state_dict())
    encoder_before = copy.deepcopy(model.encoder.state_dict())
    optim_wrapper = OptimWrapper(torch.optim.Adam(model.parameters(), lr=1e-3))
    data = face_batch()
    losses = [model.train_step(data, optim_wrapper) for _ in range(2)]
    assert set(losses[0]) == {'loss', 'loss_pixel', 'loss_perceptual'}
    assert all(torch.isfinite(v) for v in losses[0].values())
    for name, value in model.decoder.state_dict().items():
        assert torch.equal(value, decoder_before[name]), name
    for name, value in model.perceptual.state_dict().items():
        assert torch.equal(value, perceptual_before[name]), name
    changed = [k for k, v in model.encoder.state_dict().items()
               if v.is_floating_point() and not torch.equal(v, encoder_before[k])]
    assert any(k.startswith('ales.') for k in changed)
    assert any(k.startswith('istns.') for k in changed)
    assert any(k.startswith('backbone.') for k in changed)


def test_encoder_training_lowers_the_loss_on_a_batch():
    model = tiny_model()
    optim_wrapper = OptimWrapper(torch.optim.Adam(model.parameters(), lr=3e-3))
    data = face_batch(n=4)
    losses = [model.train_step(data, optim_wrapper)['loss'].item() for _ in range(25)]
    assert min(losses[-5:]) < 0.7 * losses[0], losses


def test_losses_are_eq3_plus_eq4():
    model = tiny_model(pixel_loss_weight=2.0, perceptual_layer_weights=[1.0, 0.5]).eval()
    sr, gt = torch.rand(2, 3, 16, 16) * 2 - 1, torch.rand(2, 3, 16, 16) * 2 - 1
    losses = model.loss(sr, gt)
    f_sr, f_gt = model.perceptual(sr), model.perceptual(gt)
    assert torch.allclose(losses['loss_pixel'], 2.0 * ((sr - gt) ** 2).mean())
    assert torch.allclose(losses['loss_perceptual'], ((f_sr[0] - f_gt[0]) ** 2).mean()
                          + 0.5 * ((f_sr[1] - f_gt[1]) ** 2).mean())
    with pytest.raises(ValueError, match='out_size'):
        model.loss(sr, gt[..., :8, :8])
    with pytest.raises(ValueError, match='2 layers'):
        tiny_model(perceptual_layer_weights=[1.0])


def test_predict_returns_faces_in_unit_range_at_the_decoder_size():
    model = tiny_model().eval()
    rgb = face_batch()
    gray = face_batch(channels=1)
    with torch.no_grad():
        tensors = model.test_step(copy.deepcopy(rgb)), model.test_step(copy.deepcopy(gray))
        sr = model(model.data_preprocessor(copy.deepcopy(gray))['inputs'], mode='tensor')
    for sample in tensors[0]:
        assert sample.pred_img.shape == (3, 16, 16)
        assert 0 <= sample.pred_img.min() and sample.pred_img.max() <= 1
    for sample, img in zip(tensors[1], sr):  # gray targets: the mean of the RGB output
        assert sample.pred_img.shape == (1, 16, 16)
        assert torch.allclose(sample.pred_img, ((img + 1) / 2).clamp(0, 1).mean(0, keepdim=True))
    lr_only = [FaceSRDataSample(lr_img=torch.rand(3, 8, 8))]
    with torch.no_grad():
        out = model.test_step(dict(inputs=[lr_only[0].lr_img], data_samples=lr_only))
    assert out[0].pred_img.shape == (3, 16, 16)


def test_decoder_weights_load_from_a_gan_checkpoint(tmp_path):
    torch.manual_seed(5)
    source = MODELS.build(TINY_DECODER)
    source.update_latent_statistics(128)
    gan_checkpoint = dict(
        meta=dict(iter=10),
        state_dict={**{f'generator_ema.{k}': v for k, v in source.state_dict().items()},
                    **{f'generator.{k}': torch.zeros_like(v)
                       for k, v in source.state_dict().items()}})
    path = tmp_path / 'stylegan2_tiny.pth'
    torch.save(gan_checkpoint, path)
    model = tiny_model(decoder_checkpoint=str(path), decoder_checkpoint_prefix='generator_ema')
    for name, value in source.state_dict().items():
        assert torch.equal(model.decoder.state_dict()[name], value), name
    bare = tmp_path / 'decoder_bare.pth'
    torch.save(source.state_dict(), bare)
    model = tiny_model(decoder_checkpoint=str(bare))
    assert torch.equal(model.decoder.latent_std, source.latent_std)
    assert not any(p.requires_grad for p in model.decoder.parameters())


def test_a_wrong_decoder_checkpoint_names_the_file(tmp_path):
    wrong = tmp_path / 'wider_decoder.pth'
    torch.save(MODELS.build(dict(TINY_DECODER, channels={4: 32, 8: 32, 16: 8})).state_dict(), wrong)
    with pytest.raises(ValueError, match='wider_decoder.pth'):
        tiny_model(decoder_checkpoint=str(wrong))
    with pytest.raises(FileNotFoundError, match='no_such.pth'):
        tiny_model(decoder_checkpoint=str(tmp_path / 'no_such.pth'))


CONFIG_DIR = osp.join(REPO_ROOT, 'configs', 'dapfsr')
TABLE2_ROWS = {  # row: (multi_scale, istn_positions, offset_scale)
    'baseline': (False, (), False), 'a-multiscale': (True, (), False),
    'b-istn': (True, (0, 1, 2), False), 'c-offset': (True, (0, 1, 2), True)}


@pytest.mark.parametrize('profile', ['dapfsr_paper_100k_celeba', 'dapfsr_small_17k_celeba-hq'])
@pytest.mark.parametrize('row', sorted(TABLE2_ROWS))
def test_table2_rows_are_configs(profile, row):
    # row C, the full network, is the source config tested on Yale B; the others switch its flags
    cfg = Config.fromfile(osp.join(CONFIG_DIR, f'{profile}2yaleb' + ('' if row == 'c-offset' else f'_table2-{row}')
                                   + '.py'))
    flags = (cfg.model.encoder.multi_scale, tuple(cfg.model.encoder.istn_positions),
             cfg.model.offset_scale)
    assert flags == TABLE2_ROWS[row]
    assert cfg.test_dataloader.dataset.type == 'ExtendedYaleBDataset'
    assert cfg.train_dataloader.dataset.type == Config.fromfile(
        osp.join(CONFIG_DIR, f'{profile}.py')).train_dataloader.dataset.type


def test_paper_profile_config_builds_the_paper_network():
    cfg = Config.fromfile(osp.join(CONFIG_DIR, 'dapfsr_paper_100k_celeba.py'))
    assert (cfg.scale_lr, cfg.model.decoder.out_size) == (16, 128)
    assert cfg.model.perceptual.layers == ('relu1_1', 'relu2_1', 'relu3_1', 'relu4_1')
    model_cfg = cfg.model.to_dict()
    model_cfg['perceptual'].update(pretrained=None, allow_random_weights=True)  # no ImageNet file
    model_cfg['decoder_checkpoint'] = None  # nor the paper's decoder (it loads when built)
    model = MODELS.build(model_cfg)
    assert model.encoder.backbone.stage_channels[-1] == 2048  # ResNet-50
    assert len(model.encoder.ales) == model.decoder.num_latents == 12
    assert model.encoder.style_channels == 512 and model.encoder.context_size == 16


def test_small_profile_config_trains_on_real_faces(celeba_hq_root):
    cfg = Config.fromfile(osp.join(CONFIG_DIR, 'dapfsr_small_17k_celeba-hq.py'))
    dataset_cfg = cfg.train_dataloader.dataset.to_dict()
    dataset_cfg['data_root'] = celeba_hq_root
    dataset = DATASETS.build(dataset_cfg)
    batch = pseudo_collate([dataset[i] for i in range(2)])
    assert batch['inputs'][0].shape == (3, 16, 16)
    assert batch['data_samples'][0].gt_img.shape == (3, 64, 64)
    model_cfg = cfg.model.to_dict()
    model_cfg['decoder_checkpoint'] = None  # the trained small decoder is not needed here
    torch.manual_seed(0)
    model = MODELS.build(model_cfg)
    model.init_weights()  # the shipped EfficientNet-Lite0 weights into the backbone
    optim_wrapper = OptimWrapper(torch.optim.Adam(model.encoder.parameters(), lr=1e-4))
    losses = model.train_step(batch, optim_wrapper)
    assert all(torch.isfinite(v) for v in losses.values())
    model.eval()
    with torch.no_grad():
        samples = model.test_step(batch)
    assert samples[0].pred_img.shape == (3, 64, 64)


def test_bad_modes_and_missing_ground_truth_give_clear_errors():
    model = tiny_model()
    lr = torch.rand(2, 3, 8, 8)
    with pytest.raises(ValueError, match='mode must be'):
        model(lr, mode='train')
    with pytest.raises(ValueError, match='gt_img'):
        model(lr, mode='loss')
    no_gt = [FaceSRDataSample(metainfo=dict(img_path=f'tiny_face{i}.png')) for i in range(2)]
    with pytest.raises(KeyError, match='tiny_face1.png'):
        model(lr, no_gt, mode='loss')


def test_synthetic_pairs_are_the_decoders_own_faces_degraded_like_the_inputs():
    from dapfsr.utils.matlab_resize import imresize
    identity = dict(rotation=0.0, translation=0.0, scale=(1.0, 1.0))
    model = tiny_model(synthetic_latent_weight=1.0, synthetic_affine=identity).eval()
    torch.manual_seed(3)
    w, lr = model.synthetic_pairs(4, (8, 8))
    assert w.shape == (4, 6, 16) and lr.shape == (4, 3, 8, 8)
    with torch.no_grad():
        face = model.decoder(w, input_is_latent=True, randomize_noise=False).clamp(-1, 1)
    assert torch.allclose(lr, imresize(face, size=(8, 8)).clamp(-1, 1), atol=1e-5)
    # truncation psi pulls every code towards mu_w
    sigma = model.decoder.latent_std
    assert ((w - model.decoder.latent_mean) / sigma).abs().mean() < 1.5
    warped = tiny_model(synthetic_latent_weight=1.0).eval()
    torch.manual_seed(3)
    w_warped, lr_warped = warped.synthetic_pairs(4, (8, 8))
    assert torch.equal(w_warped, w) and not torch.allclose(lr_warped, lr, atol=1e-3)


def test_synthetic_latent_loss_trains_the_encoder_towards_the_codes():
    model = tiny_model(synthetic_latent_weight=0.5, pixel_loss_weight=0.0, perceptual_loss_weight=0.0,
                       encoder=dict(TINY_ENCODER, norm_eval=True))
    optim_wrapper = OptimWrapper(torch.optim.Adam(model.encoder.parameters(), lr=3e-3))
    data = face_batch(n=4)
    first = model.train_step(copy.deepcopy(data), optim_wrapper)
    assert set(first) == {'loss', 'loss_pixel', 'loss_perceptual', 'loss_synthetic_latent'}
    torch.manual_seed(5)
    w, lr = model.synthetic_pairs(4, (8, 8))

    def error():
        with torch.no_grad():
            return ((model.encode_latents(lr) - w) / model.decoder.latent_std).square().mean()
    before = error()
    for _ in range(30):
        torch.manual_seed(5)  # the same pairs every step: the encoder fits their codes
        model.train_step(copy.deepcopy(data), optim_wrapper)
    assert error() < 0.5 * before
    assert 'loss_synthetic_latent' not in tiny_model().train_step(copy.deepcopy(data), optim_wrapper)


def test_latent_regularization_is_the_mean_squared_normalised_code():
    """loss_latent_regularization = weight * mean(((w - mu_w) / sigma_w)^2) of the predicted
    codes, computed here from the encoder's output directly; its gradient pulls the codes
    towards mu_w."""
    model = tiny_model(latent_regularization_weight=0.5)
    torch.manual_seed(0)
    lr = torch.rand(2, 3, 8, 8) * 2 - 1
    samples = [FaceSRDataSample(gt_img=torch.rand(3, 16, 16)) for _ in range(2)]
    losses = model(lr, samples, mode='loss')
    offsets = model.encoder(lr)  # offset_scale: w = mu_w + offsets * sigma_w (Eq. 2)
    assert losses['loss_latent_regularization'].item() == pytest.approx(
        0.5 * offsets.square().mean().item(), rel=1e-5)
    model.latent_regularization_weight = 0
    assert 'loss_latent_regularization' not in model(lr, samples, mode='loss')
