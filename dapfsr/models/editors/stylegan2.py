"""StyleGAN2 training of the decoder G (sec. 4.3: "following the protocols of StyleGAN")."""
import copy

import torch
from mmengine.model import BaseModel, is_model_wrapper

from dapfsr.registry import MODELS
from dapfsr.structures import FaceSRDataSample


@MODELS.register_module()
class StyleGAN2(BaseModel):
    """GAN that trains a :class:`StyleGANDecoder` by the StyleGAN2 protocol.

    Per ``train_step`` (as mmagic's ``BaseGAN``): one discriminator step
    (non-saturating logistic loss, lazy R1 every ``r1_penalty.interval``
    steps), one generator step (non-saturating loss, optional lazy path
    length regularization), then an EMA update of ``generator_ema``. Style
    mixing with probability ``mixing_prob``. Every random draw of a step (z,
    mixing, noise maps) comes from a generator seeded by (``seed``, step), so
    a resumed run repeats an uninterrupted one.

    Under ``MMSeparateDistributedDataParallel`` (one DDP per trained
    sub-module, as mmagic's GANs use) ``generator`` and ``discriminator``
    are wrappers: forward passes go through them, attributes are read from
    :attr:`decoder`.

    :meth:`update_latent_statistics` recomputes mu_w / sigma_w (Eq. 2) of both
    generators from their mapping networks; ``LatentStatisticsHook`` calls it before
    every checkpoint, so the checkpoint's ``generator_ema.`` decoder is ready for the
    encoder stage.

    Args:
        generator (dict): StyleGANDecoder config.
        discriminator (dict): StyleGAN2Discriminator config.
        gan_loss (dict): NonSaturatingLogisticLoss config.
        r1_penalty (dict | None): R1GradientPenalty config.
        path_length (dict | None): PathLengthRegularizer config.
        mixing_prob (float): Probability of style mixing per step.
        ema_kimg (float): EMA half-life of G's weights in thousands of images.
        ema_rampup (float | None): Half-life at most this fraction of the
            images seen so far (StyleGAN2-ADA), so early EMA samples are usable.
        latent_statistics_samples (int): z samples for mu_w / sigma_w.
        seed (int): Base seed of the per-step random draws.
        data_preprocessor (dict): Maps ``inputs`` (real faces in [0, 1]) to [-1, 1].
    """

    def __init__(self, generator, discriminator, gan_loss=dict(type='NonSaturatingLogisticLoss'),
                 r1_penalty=dict(type='R1GradientPenalty'), path_length=None, mixing_prob=0.9,
                 ema_kimg=10., ema_rampup=None, latent_statistics_samples=10000, seed=0,
                 data_preprocessor=dict(type='FaceSRDataPreprocessor'), init_cfg=None):
        if isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.generator = MODELS.build(generator)
        self.discriminator = MODELS.build(discriminator)
        if self.discriminator.in_size != self.generator.out_size:
            raise ValueError(f'discriminator in_size {self.discriminator.in_size} != generator '
                             f'out_size {self.generator.out_size}')
        self.generator_ema = copy.deepcopy(self.generator).requires_grad_(False)
        self.gan_loss = MODELS.build(gan_loss)
        self.r1_penalty = MODELS.build(r1_penalty) if r1_penalty else None
        self.path_length = MODELS.build(path_length) if path_length else None
        self.mixing_prob = mixing_prob
        self.ema_kimg = ema_kimg
        self.ema_rampup = ema_rampup
        self.latent_statistics_samples = latent_statistics_samples
        self.seed = seed
        self.register_buffer('iteration', torch.zeros((), dtype=torch.long))
        self.register_buffer('seen_images', torch.zeros((), dtype=torch.long))

    @property
    def decoder(self):
        """The trained :class:`StyleGANDecoder` itself (``generator`` without a DDP wrapper)."""
        return self.generator.module if is_model_wrapper(self.generator) else self.generator

    @torch.no_grad()
    def update_latent_statistics(self):
        """mu_w, sigma_w of both generators from a fixed set of z samples."""
        for generator in (self.decoder, self.generator_ema):
            rng = torch.Generator(device=generator.latent_mean.device).manual_seed(self.seed)
            generator.update_latent_statistics(self.latent_statistics_samples, generator=rng)

    def step_rng(self):
        """The random generator of the current training step."""
        rng = torch.Generator(device=self.iteration.device)
        return rng.manual_seed(self.seed * 1_000_003 + int(self.iteration))

    def generate(self, num, rng, generator=None, return_latents=False):
        """Fakes from fresh z (two with probability ``mixing_prob``) and fresh noise maps."""
        generator = generator or self.generator
        decoder = generator.module if is_model_wrapper(generator) else generator
        device = decoder.latent_mean.device
        styles = [torch.randn(num, decoder.style_channels, generator=rng, device=device)]
        inject_index = None
        if torch.rand((), generator=rng, device=device) < self.mixing_prob:
            styles.append(torch.randn(num, decoder.style_channels, generator=rng, device=device))
            inject_index = int(torch.randint(1, decoder.num_latents, (), generator=rng,
                                             device=device))
        noise = decoder.make_injected_noise(num, generator=rng)
        return generator(styles, injected_noise=noise, inject_index=inject_index,
                         return_latents=return_latents)

    def train_discriminator(self, real, rng, optim_wrapper):
        with torch.no_grad():
            fake = self.generate(real.shape[0], rng)
        real_logits, fake_logits = self.discriminator(real), self.discriminator(fake)
        loss = self.gan_loss.discriminator_loss(real_logits, fake_logits)
        log_vars = dict(loss_disc=loss.detach(), real_score=real_logits.detach().mean(),
                        fake_score=fake_logits.detach().mean())
        if self.r1_penalty is not None and int(self.iteration) % self.r1_penalty.interval == 0:
            loss_r1, log_vars['r1'] = self.r1_penalty(self.discriminator, real)
            loss = loss + loss_r1
        optim_wrapper.update_params(loss)
        return log_vars

    def train_generator(self, num, rng, optim_wrapper):
        self.discriminator.requires_grad_(False)
        loss = self.gan_loss.generator_loss(self.discriminator(self.generate(num, rng)))
        log_vars = dict(loss_gen=loss.detach())
        if self.path_length is not None and int(self.iteration) % self.path_length.interval == 0:
            out = self.generate(max(num // self.path_length.batch_shrink, 1), rng,
                                return_latents=True)
            loss_pl, log_vars['path_length'] = self.path_length(out['fake_img'], out['latent'], rng)
            loss = loss + loss_pl
        optim_wrapper.update_params(loss)
        self.discriminator.requires_grad_(True)
        return log_vars

    @torch.no_grad()
    def update_ema(self, batch_size):
        """generator_ema <- beta * generator_ema + (1 - beta) * generator; buffers copied."""
        self.seen_images += batch_size
        half_life = self.ema_kimg * 1000
        if self.ema_rampup is not None:
            half_life = min(half_life, int(self.seen_images) * self.ema_rampup)
        beta = 0.5 ** (batch_size / max(half_life, 1e-8))
        for p_ema, p in zip(self.generator_ema.parameters(), self.decoder.parameters()):
            p_ema.lerp_(p, 1 - beta)
        for b_ema, b in zip(self.generator_ema.buffers(), self.decoder.buffers()):
            b_ema.copy_(b)

    def train_step(self, data, optim_wrapper):
        """One D step and one G step on a batch of real faces; returns the log variables."""
        real = self.data_preprocessor(data, True)['inputs']
        size = self.decoder.out_size
        if real.shape[-1] != size or real.shape[-2] != size:
            raise ValueError(f'real faces of shape {tuple(real.shape)}; the generator draws '
                             f'{size} px (resize them in the pipeline)')
        rng = self.step_rng()
        disc_wrapper, gen_wrapper = optim_wrapper['discriminator'], optim_wrapper['generator']
        with disc_wrapper.optim_context(self.discriminator):
            log_vars = self.train_discriminator(real, rng, disc_wrapper)
        with gen_wrapper.optim_context(self.generator):
            log_vars.update(self.train_generator(real.shape[0], rng, gen_wrapper))
        self.update_ema(real.shape[0])
        self.iteration += 1
        return log_vars

    def forward(self, inputs, data_samples=None, mode='tensor'):
        """Samples of the EMA generator, one per input face.

        ``tensor``: (N, C, S, S) in [-1, 1]. ``predict``: the data samples
        (new ones when None) with ``pred_img`` set to a sample in [0, 1].
        Training goes through :meth:`train_step` (two optimizers), not ``loss``.
        """
        if mode not in ('tensor', 'predict'):
            raise ValueError(f'StyleGAN2 forward modes are "tensor" and "predict", got {mode!r}; '
                             'training runs through train_step')
        num = inputs.shape[0]
        fake = self.generator_ema(torch.randn(num, self.generator_ema.style_channels,
                                              device=inputs.device))
        if mode == 'tensor':
            return fake
        data_samples = data_samples or [FaceSRDataSample() for _ in range(num)]
        for sample, img in zip(data_samples, fake):
            sample.pred_img = ((img.clamp(-1, 1) + 1) / 2).cpu()
        return data_samples
