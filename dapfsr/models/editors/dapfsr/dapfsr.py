"""DAP-FSR: pyramid encoder E + frozen StyleGAN decoder G, trained by Eq. 3-5 (sec. 4.1)."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from dapfsr.models.aligners import REFERENCE_SIZE, moderate_preset
from dapfsr.models.base_models import BaseFaceSRModel
from dapfsr.registry import MODELS
from dapfsr.utils.matlab_resize import imresize


@MODELS.register_module()
class DAPFSR(BaseFaceSRModel):
    """Super-resolve LR faces as G(w), w = mu_w + E(I_LR) sigma_w (Eq. 2).

    The decoder is trained beforehand (StyleGAN protocol) and stays frozen here:
    no gradients to its parameters and eval mode even under ``train()``. Only
    the encoder learns, by L = L_mse + L_percept (Eq. 5): the mean squared
    error to the HR face (Eq. 3) and the mean squared error of the perceptual
    features F (Eq. 4), summed over F's layers with equal weights.

    The decoder loads when the model is built, from ``decoder_checkpoint`` (a
    StyleGAN training checkpoint, its EMA generator found automatically, or a
    bare decoder state dict; mmagic and rosinality layouts convert), so a trained
    DAP-FSR checkpoint may leave it out (``self_loading_modules``); without
    ``decoder_checkpoint`` the DAP-FSR checkpoint must hold it. The encoder's
    ImageNet backbone loads in :meth:`init_weights`, which the Runner calls
    before training.

    Args:
        encoder (dict): DAPEncoder config; ``num_latents`` and
            ``style_channels`` default to the decoder's.
        decoder (dict): StyleGANDecoder config, matching the checkpoint.
        perceptual (dict): Perceptual feature extractor config (VGG19Features,
            EfficientNetLite0Features), F of Eq. 4; also used by the adaptation.
        decoder_checkpoint (str, optional): Path of the decoder's weights.
        decoder_checkpoint_prefix (str, optional): Key prefix of the generator in
            that file (e.g. ``'generator_ema'``); None finds ``g_ema`` /
            ``generator_ema`` or takes the whole state dict.
        offset_scale (bool): Eq. 2 (Table 2, row C); False: the encoder output
            is w itself.
        pixel_loss_weight (float): Weight of Eq. 3 in Eq. 5.
        perceptual_loss_weight (float): Weight of Eq. 4 in Eq. 5.
        perceptual_layer_weights (list[float], optional): Per-layer weights of
            Eq. 4; None: 1 for each layer.
        randomize_noise (bool): Fresh decoder noise per call; the default uses
            the decoder's fixed noise maps, so a face always gets the same output.
        synthetic_latent_weight (float): Weight of an extra term, not in the
            paper: faces the decoder draws itself from known W+ codes w (style
            mixing, truncation ``synthetic_truncation``) are degraded like the LR
            inputs (random affine ``synthetic_affine``, MATLAB bicubic to the LR
            size) and E must predict w: mean(((w_hat - w) / sigma_w)^2). Pixel
            losses reach E only through G's ill-conditioned Jacobian; this gives
            every latent row a direct target. 0 turns it off.
        synthetic_truncation (float): psi of the synthetic codes.
        latent_regularization_weight (float): Weight of an extra term, not in the paper:
            mean(((w_hat - mu_w) / sigma_w)^2) of the predicted W+ codes, which pulls them
            towards the region the decoder was trained to draw from (pSp's average-latent
            penalty); the codes of the unregularised small encoder spread 2.4x the W+
            ceiling's (configs/dapfsr/README.md). 0 turns it off.
        synthetic_affine (dict, optional): ``rotation`` (max degrees), ``translation``
            (max shift as a fraction of the side), ``scale`` (min, max); default: the
            ranges of ``RandomFaceAffine``'s moderate preset.
        data_preprocessor (dict): FaceSRDataPreprocessor config.
        refiner (dict, optional): See :class:`BaseFaceSRModel`.

    ``predict`` returns the samples with ``pred_img`` (C, H, W) in [0, 1] at the
    decoder's size and ``pred_latent``, the W+ code (L, D); C = 1 (the mean of the
    RGB output, the inverse of the preprocessor's gray replication) when the
    sample's HR face, or without one its LR face, is gray, so metrics compare like
    with like. ``tensor`` mode returns the decoder's output, (N, 3, H, W) in [-1, 1].
    """

    # built with their own weights: a published checkpoint may leave them out (the
    # decoder too when ``decoder_checkpoint`` is given)
    self_loading_modules = ('perceptual', )

    def __init__(self, encoder, decoder, perceptual, decoder_checkpoint=None,
                 decoder_checkpoint_prefix=None, offset_scale=True, pixel_loss_weight=1.0,
                 perceptual_loss_weight=1.0, perceptual_layer_weights=None, randomize_noise=False,
                 synthetic_latent_weight=0.0, synthetic_truncation=0.8,
                 synthetic_affine=None,
                 latent_regularization_weight=0.0, data_preprocessor=dict(type='FaceSRDataPreprocessor'), refiner=None, init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor, refiner=refiner, init_cfg=init_cfg)
        self.build_frozen_decoder(decoder, decoder_checkpoint, decoder_checkpoint_prefix)
        encoder = dict(encoder)
        for key, value in (('num_latents', self.decoder.num_latents),
                           ('style_channels', self.decoder.style_channels)):
            if encoder.setdefault(key, value) != value:
                raise ValueError(f'encoder {key}={encoder[key]} but the decoder has {value}')
        self.encoder = MODELS.build(encoder)
        self.perceptual = MODELS.build(perceptual)
        self.perceptual_layer_weights = self.perceptual.layer_weights(perceptual_layer_weights)
        self.offset_scale = offset_scale
        self.pixel_loss_weight = pixel_loss_weight
        self.perceptual_loss_weight = perceptual_loss_weight
        self.randomize_noise = randomize_noise
        self.synthetic_latent_weight = synthetic_latent_weight
        self.synthetic_truncation = synthetic_truncation
        if synthetic_affine is None:
            preset = moderate_preset()
            synthetic_affine = dict(preset, translation=preset['translation'] / REFERENCE_SIZE)
        self.synthetic_affine = dict(synthetic_affine)
        self.latent_regularization_weight = latent_regularization_weight
        self.decoder.eval()

    def train(self, mode=True):
        super().train(mode)
        self.decoder.eval()  # frozen G (sec. 4.1)
        return self

    @property
    def hr_size(self):
        return self.decoder.out_size

    def adaptation_parameter_groups(self):
        """The decoder's groups (:meth:`decoder_parameter_groups`) and ``'encoder_norm'``, the
        scales and shifts of the encoder's batch norms (beyond the paper, whose Algorithm 1
        keeps E fixed: they let the adaptation re-normalise what a target camera's faces
        make of the backbone's features; the running statistics stay, the model adapts in
        eval mode)."""
        norms = [(f'encoder.{name}.{pname}', param) for name, module in self.encoder.named_modules()
                 if isinstance(module, nn.modules.batchnorm._BatchNorm)
                 for pname, param in module.named_parameters(recurse=False)]
        return dict(self.decoder_parameter_groups(), encoder_norm=norms)

    def adaptation_loss(self, sr, hr):
        """Eq. 5, as in training (Algorithm 1, line 8)."""
        return self.loss(sr, hr)

    def encode_latents(self, lr):
        """LR faces (N, 3, h, w) in [-1, 1] -> W+ codes (N, L, D), Eq. 2."""
        offsets = self.encoder(lr)
        if not self.offset_scale:
            return offsets
        return self.decoder.latent_mean + offsets * self.decoder.latent_std

    def decode(self, w):
        """W+ codes (N, L, D) -> faces (N, 3, H, W) in [-1, 1]."""
        return self.decoder(w, input_is_latent=True, randomize_noise=self.randomize_noise)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        if mode not in ('loss', 'predict', 'tensor'):
            raise ValueError(f'mode must be "loss", "predict" or "tensor", got {mode!r}')
        if mode == 'loss' and not data_samples:
            raise ValueError('DAPFSR loss mode needs data_samples with gt_img (HR faces)')
        latents = self.encode_latents(inputs)
        sr = self.decode(latents)
        if mode == 'loss':
            losses = self.loss(sr, self.data_preprocessor.stack_gt(data_samples))
            if self.synthetic_latent_weight:
                losses['loss_synthetic_latent'] = (
                    self.synthetic_latent_weight * self.synthetic_latent_loss(inputs.shape))
            if self.latent_regularization_weight:
                losses['loss_latent_regularization'] = self.latent_regularization_weight * (
                    (latents - self.decoder.latent_mean) / self.decoder.latent_std).square().mean()
            return losses
        out = self.sr_output(sr, inputs, data_samples, mode)
        if mode == 'predict':
            for sample, latent in zip(out, latents.detach()):
                sample.pred_latent = latent  # (L, D), for LatentSpread
        return out

    def loss(self, sr, gt):
        """Eq. 3-5 for SR and HR faces (N, 3, H, W) in [-1, 1]."""
        if gt.shape[-2:] != sr.shape[-2:]:
            raise ValueError(f'HR faces are {tuple(gt.shape[-2:])} but the decoder draws '
                             f'{tuple(sr.shape[-2:])}: set the pipeline\'s HR size to the '
                             'decoder\'s out_size')
        with torch.no_grad():
            target_feats = self.perceptual(gt)
        percept = sum(weight * F.mse_loss(feat, target)
                      for weight, feat, target in zip(self.perceptual_layer_weights,
                                                      self.perceptual(sr), target_feats))
        return dict(loss_pixel=self.pixel_loss_weight * F.mse_loss(sr, gt),
                    loss_perceptual=self.perceptual_loss_weight * percept)


    @torch.no_grad()
    def synthetic_pairs(self, num, lr_size):
        """W+ codes (num, L, D) and their faces, drawn by G and degraded to ``lr_size``.

        The face G draws for w is warped by a random affine (bicubic, mirrored
        border, as ``RandomFaceAffine``) and MATLAB-bicubic downsampled, the LR
        input's degradation; returns (w, LR faces (num, 3, lr_size) in [-1, 1]).
        """
        device = self.decoder.latent_mean.device
        z = torch.randn(2, num, self.decoder.style_channels, device=device)
        inject_index = int(torch.randint(1, self.decoder.num_latents, ()))  # style mixing
        out = self.decoder(list(z), truncation=self.synthetic_truncation, randomize_noise=False,
                           inject_index=inject_index, return_latents=True)
        face = out['fake_img'].clamp(-1, 1)
        ranges = self.synthetic_affine
        angle = (torch.rand(num, device=device) * 2 - 1) * math.radians(ranges['rotation'])
        shift = (torch.rand(num, 2, device=device) * 2 - 1) * 2 * ranges['translation']
        low, high = ranges['scale']
        scale = low + torch.rand(num, device=device) * (high - low)
        cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
        # affine_grid maps output to input coordinates: the inverse of p -> s R p + t
        theta = torch.stack([torch.stack([cos, sin], 1), torch.stack([-sin, cos], 1)], 1)
        theta = torch.cat([theta, -(theta @ shift[:, :, None])], 2)
        grid = F.affine_grid(theta, list(face.shape), align_corners=False)
        warped = F.grid_sample(face, grid, mode='bicubic', padding_mode='reflection',
                               align_corners=False)
        return out['latent'], imresize(warped, size=lr_size).clamp(-1, 1)

    def synthetic_latent_loss(self, input_shape):
        """mean(((E(LR) - w) / sigma_w)^2) over synthetic pairs as many as the batch."""
        w, lr = self.synthetic_pairs(input_shape[0], tuple(input_shape[-2:]))
        return ((self.encode_latents(lr) - w) / self.decoder.latent_std).square().mean()
