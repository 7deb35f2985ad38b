"""MTDN (Yu, Porikli, Fernando, Hartley, IJCV 2020): an upsampling network with spatial
transformers, trained by MSE and a discriminator (docs/baselines.md#mtdn)."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from dapfsr.registry import MODELS
from dapfsr.models.base_models import BaseFaceSRModel


@MODELS.register_module()
class SimilaritySTN(nn.Module):
    """Warp a map by a similarity transform predicted from itself (docs/baselines.md#mtdn-stns).

    Localisation network: per stage maxpool 2, conv k (no padding), ReLU; flatten;
    FC -> ``hidden`` ReLU; FC -> 4 = (angle a, scale s, tx, ty). STN1 of the source on
    512 x 32 x 32: ``channels=(20, 20), kernel_sizes=(5, 5)`` (flatten 80); STN2 on
    256 x 64 x 64: ``channels=(128, 20, 20), kernel_sizes=(5, 5, 3)`` (flatten 180).
    The last FC starts at zero weight and bias (0, 1, 0, 0): the identity (an inference, not the
    source's: docs/baselines.md#mtdn-stns).

    theta = [[s cos a, -s sin a, tx], [s sin a, s cos a, ty]] maps output to input
    coordinates in ``affine_grid``'s normalised [-1, 1] frame; bilinear sampling.

    Args:
        in_channels (int): Channels C of the warped map.
        size (int): Its side S (sets the width of the first FC).
        channels (Sequence[int]): Output channels of the localisation stages.
        kernel_sizes (Sequence[int]): Their kernel sizes.
        hidden (int): Width of the hidden FC.

    Shapes: ``forward`` (N, C, S, S) -> (N, C, S, S); ``similarity`` -> (N, 4);
    ``transform`` -> theta (N, 2, 3).
    """

    def __init__(self, in_channels, size, channels=(20, 20), kernel_sizes=(5, 5), hidden=20):
        super().__init__()
        if len(channels) != len(kernel_sizes):
            raise ValueError(f'SimilaritySTN: {len(channels)} channels for {len(kernel_sizes)} kernel_sizes')
        layers, side = [], size
        for cin, cout, k in zip((in_channels, *channels), channels, kernel_sizes):
            side = side // 2 - (k - 1)
            if side < 1:
                raise ValueError(f'SimilaritySTN: a {size} px map is too small for its localisation '
                                 f'stages (kernel_sizes {tuple(kernel_sizes)})')
            layers += [nn.MaxPool2d(2), nn.Conv2d(cin, cout, k), nn.ReLU()]
        self.localization = nn.Sequential(*layers, nn.Flatten(),
                                          nn.Linear(channels[-1] * side ** 2, hidden), nn.ReLU())
        self.to_similarity = nn.Linear(hidden, 4)
        nn.init.zeros_(self.to_similarity.weight)
        with torch.no_grad():
            self.to_similarity.bias.copy_(torch.tensor([0., 1., 0., 0.]))
        self.size = size

    def similarity(self, x):
        """(angle in radians, scale, tx, ty) per map, (N, 4)."""
        return self.to_similarity(self.localization(x))

    def transform(self, x):
        angle, scale, tx, ty = self.similarity(x).unbind(1)
        cos, sin = scale * torch.cos(angle), scale * torch.sin(angle)
        return torch.stack([torch.stack([cos, -sin, tx], 1), torch.stack([sin, cos, ty], 1)], 1)

    def forward(self, x):
        grid = F.affine_grid(self.transform(x), list(x.shape), align_corners=False)
        return F.grid_sample(x, grid, mode='bilinear', padding_mode='zeros', align_corners=False)


@MODELS.register_module()
class MTDNGenerator(nn.Module):
    """LR faces (N, 3, s, s) -> SR faces (N, 3, s * upscale, s * upscale).

    The TDN train file's network (docs/baselines.md#mtdn-generator): four blocks conv k
    (padding k // 2), BN, ReLU with ``channels`` 512, 256, 128, 64 and ``kernel_sizes``
    3, 3, 5, 5; a nearest x2 upsampling after each of the first log2(upscale) blocks, the
    i-th upsampling followed by the i-th STN of ``stns``; then conv5 64 -> 3, linear. x8
    (paper, 16 -> 128): upsamplings after blocks 1-3, STN1 at 32 px, STN2 at 64 px (the
    source has STN3 at 128 px switched off, for memory). x4 (small, 16 -> 64): the third
    upsampling is left out, every layer stays: blocks 3 and 4 both run at 64 px.

    Args:
        upscale (int): A power of two from 2 to 2 ** len(channels) (one upsampling per block at most).
        in_size (int): LR side s (sets the STNs' FC widths).
        channels (Sequence[int]): Block widths.
        kernel_sizes (Sequence[int]): Block kernels.
        stns (Sequence[dict]): ``SimilaritySTN`` arguments (no ``in_channels`` / ``size``)
            after the first upsamplings, in order; extra entries beyond the
            upsamplings are unused.
    """

    def __init__(self, upscale=8, in_size=16, channels=(512, 256, 128, 64), kernel_sizes=(3, 3, 5, 5),
                 stns=(dict(channels=(20, 20), kernel_sizes=(5, 5)),
                       dict(channels=(128, 20, 20), kernel_sizes=(5, 5, 3)))):
        super().__init__()
        num_up = round(math.log2(max(upscale, 1)))
        if upscale < 2 or 2 ** num_up != upscale or num_up > len(channels):
            raise ValueError(f'MTDNGenerator: upscale must be a power of two from 2 to '
                             f'{2 ** len(channels)}, got {upscale}')
        if len(channels) != len(kernel_sizes):
            raise ValueError(f'MTDNGenerator: {len(channels)} channels for {len(kernel_sizes)} kernel_sizes')
        self.blocks = nn.ModuleList(
            nn.Sequential(nn.Conv2d(cin, cout, k, padding=k // 2), nn.BatchNorm2d(cout), nn.ReLU())
            for cin, cout, k in zip((3, *channels), channels, kernel_sizes))
        self.stns = nn.ModuleList(
            SimilaritySTN(channels[i], in_size * 2 ** (i + 1), **cfg) for i, cfg in enumerate(stns[:num_up]))
        self.to_rgb = nn.Conv2d(channels[-1], 3, 5, padding=2)
        self.upscale, self.in_size, self.num_upsamplings = upscale, in_size, num_up

    @property
    def out_size(self):
        return self.in_size * self.upscale

    def forward(self, lr):
        if lr.shape[-2:] != (self.in_size, self.in_size):
            raise ValueError(f'MTDNGenerator takes {self.in_size} px LR faces, got {tuple(lr.shape[-2:])}')
        x = lr
        for i, block in enumerate(self.blocks):
            x = block(x)
            if i < self.num_upsamplings:
                x = F.interpolate(x, scale_factor=2, mode='nearest')
                if i < len(self.stns):
                    x = self.stns[i](x)
        return self.to_rgb(x)


@MODELS.register_module()
class MTDNDiscriminator(nn.Module):
    """Face (N, 3, in_size, in_size) -> real/fake logit (N, 1).

    MTDN's (docs/baselines.md#mtdn-discriminator): four stages conv5 (padding 2), maxpool
    2, ReLU, SpatialDropout 0.2 with ``channels`` 32, 64, 128, 96; flatten
    (in_size / 16)^2 * 96 (8 * 8 * 96 at 128 px); FC 1024 ReLU, Dropout 0.5; FC 1. The
    source's sigmoid is in the loss (BCE with logits, the same function, computed stably).
    """

    def __init__(self, in_size=128, channels=(32, 64, 128, 96), hidden=1024):
        super().__init__()
        side = in_size // 2 ** len(channels)
        if side * 2 ** len(channels) != in_size:
            raise ValueError(f'MTDNDiscriminator: in_size {in_size} is not divisible by {2 ** len(channels)}')
        layers = []
        for cin, cout in zip((3, *channels), channels):
            layers += [nn.Conv2d(cin, cout, 5, padding=2), nn.MaxPool2d(2), nn.ReLU(), nn.Dropout2d(0.2)]
        self.features = nn.Sequential(*layers, nn.Flatten())
        self.head = nn.Sequential(nn.Linear(channels[-1] * side ** 2, hidden), nn.ReLU(), nn.Dropout(0.5),
                                  nn.Linear(hidden, 1))
        self.in_size = in_size

    def forward(self, x):
        return self.head(self.features(x))


def balance_updates(err_real, err_fake, margin=0.3):
    """What one MTDN step updates, from D's BCE errors (docs/baselines.md#mtdn-balance-rule).

    D is skipped when it is too good (``err_real`` or ``err_fake`` < margin), G when D
    is too weak (either > 1 - margin); when both would be skipped, both update.

    Returns:
        tuple[bool, bool]: (update D, update G).
    """
    update_d = not (err_real < margin or err_fake < margin)
    update_g = not (err_real > 1 - margin or err_fake > 1 - margin)
    if not (update_d or update_g):
        return True, True
    return update_d, update_g


@MODELS.register_module()
class MTDN(BaseFaceSRModel):
    """MTDN: SR = G(LR), L_G = MSE(SR, HR) + lambda BCE(D(SR), real) (docs/baselines.md#mtdn-loss).

    One ``train_step`` on a batch of N pairs (as the source's Torch code, 64 pairs: D on
    32 real + 32 fake, G on 64): G super-resolves all N; D sees the first N / 2 HR faces
    as real and the SR faces of the other half as fake, its errors err_real, err_fake
    (BCE means) decide by :func:`balance_updates` whether D (loss: BCE over the N
    faces) and then G (on all N, through the just-updated D) are updated. ``lambda`` is
    ``adversarial_weight``: 0.01 at the start; ``LossWeightDecayHook`` multiplies it by
    0.99 per epoch down to 0.005 in the configs.

    Args:
        generator (dict): MTDNGenerator config.
        discriminator (dict): MTDNDiscriminator config, ``in_size`` = the generator's out_size.
        adversarial_weight (float): lambda.
        balance_margin (float): The margin of :func:`balance_updates` (0.3).
        data_preprocessor (dict): FaceSRDataPreprocessor config.
        refiner (dict, optional): See :class:`BaseFaceSRModel`.

    ``tensor``: SR faces (N, 3, H, W) in [-1, 1]; ``predict``: the samples with
    ``pred_img``; ``loss``: G's two terms (``loss_mse``, ``loss_adv`` weighted).
    """

    def __init__(self, generator, discriminator, adversarial_weight=0.01, balance_margin=0.3,
                 data_preprocessor=dict(type='FaceSRDataPreprocessor'), refiner=None, init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor, refiner=refiner, init_cfg=init_cfg)
        self.generator = MODELS.build(generator)
        self.discriminator = MODELS.build(discriminator)
        if self.discriminator.in_size != self.generator.out_size:
            raise ValueError(f'MTDN: discriminator in_size {self.discriminator.in_size} != generator '
                             f'out_size {self.generator.out_size}')
        self.adversarial_weight = adversarial_weight
        self.balance_margin = balance_margin

    @property
    def lr_size(self):
        """The LR side the generator takes (read by tools/infer.py)."""
        return self.generator.in_size

    @property
    def hr_size(self):
        return self.generator.out_size

    def adaptation_parameter_groups(self):
        return self.generator_parameter_groups()

    def adaptation_loss(self, sr, hr):
        """MTDN's content term, the MSE (its discriminator knows only the source domain)."""
        return dict(loss_mse=F.mse_loss(sr, hr))

    def forward(self, inputs, data_samples=None, mode='tensor'):
        if mode not in ('loss', 'predict', 'tensor'):
            raise ValueError(f'mode must be "loss", "predict" or "tensor", got {mode!r}')
        sr = self.generator(inputs)
        if mode == 'loss':
            if not data_samples:
                raise ValueError('MTDN loss mode needs data_samples with gt_img (HR faces)')
            return self.generator_losses(sr, self.data_preprocessor.stack_gt(data_samples))
        return self.sr_output(sr, inputs, data_samples, mode)

    def generator_losses(self, sr, hr):
        """MSE to the HR faces and lambda x BCE of D(SR) against "real"."""
        if hr.shape != sr.shape:
            raise ValueError(f'HR faces of shape {tuple(hr.shape)} for SR faces {tuple(sr.shape)}: '
                             f'set the pipeline\'s HR size to the generator\'s out_size')
        logits = self.discriminator(sr)
        adversarial = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
        return dict(loss_mse=F.mse_loss(sr, hr), loss_adv=self.adversarial_weight * adversarial)

    def train_step(self, data, optim_wrapper):
        data = self.data_preprocessor(data, True)
        lr, hr = data['inputs'], self.data_preprocessor.stack_gt(data['data_samples'])
        if lr.shape[0] < 2:
            raise ValueError('MTDN trains on batches of at least 2 pairs (half real, half fake for D)')
        half = lr.shape[0] // 2
        disc_wrapper, gen_wrapper = optim_wrapper['discriminator'], optim_wrapper['generator']
        with gen_wrapper.optim_context(self.generator):
            sr = self.generator(lr)
            with disc_wrapper.optim_context(self.discriminator):
                logits = self.discriminator(torch.cat([hr[:half], sr[half:].detach()]))
                targets = torch.cat([torch.ones(half, 1), torch.zeros(len(lr) - half, 1)]).to(logits)
                errors = F.binary_cross_entropy_with_logits(logits, targets, reduction='none')
                err_real, err_fake = errors[:half].mean(), errors[half:].mean()
                update_d, update_g = balance_updates(err_real.item(), err_fake.item(), self.balance_margin)
                if update_d:
                    disc_wrapper.update_params(errors.mean())
            self.discriminator.requires_grad_(False)
            losses = self.generator_losses(sr, hr)
            if update_g:
                gen_wrapper.update_params(losses['loss_mse'] + losses['loss_adv'])
            self.discriminator.requires_grad_(True)
        log_vars = {k: v.detach() for k, v in losses.items()}
        log_vars.update(err_real=err_real.detach(), err_fake=err_fake.detach(),
                        update_d=torch.tensor(float(update_d)), update_g=torch.tensor(float(update_g)),
                        adversarial_weight=torch.tensor(float(self.adversarial_weight)))
        return log_vars
