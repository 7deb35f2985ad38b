"""StyleGAN2 training of the decoder G (sec. 4.3: "following the protocols of StyleGAN")."""
import torch
from mmengine.model import BaseAveragedModel, BaseModel

from dapfsr.models.base_models.average_model import HalfLifeEMA
from dapfsr.registry import MODELS
from dapfsr.structures import FaceSRDataSample
from dapfsr.utils.distributed import unwrap_model


@MODELS.register_module()
class StyleGAN2(BaseModel):
    """GAN that trains a :class:`StyleGANDecoder` by the StyleGAN2 protocol.

    Per ``train_step`` (as mmagic's ``BaseGAN``): one discriminator step
    (non-saturating logistic loss, lazy R1 every ``r1_penalty.interval``
    steps), one generator step (non-saturating loss, optional lazy path
    length regularization), then an EMA update of ``generator_ema``
    (:class:`~dapfsr.models.base_models.HalfLifeEMA` by default: half-life
    ``half_life_kimg`` thousand images, ramp-up as StyleGAN2-ADA). Style
    mixing with probability ``mixing_prob``. Every random draw of a step (z,
    mixing, noise maps) comes from a generator seeded by (``seed``, step), so
    a resumed run repeats an uninterrupted one.

    Under ``MMSeparateDistributedDataParallel`` (one DDP per trained
    sub-module, as mmagic's GANs use) ``generator`` and ``discriminator``
    are wrappers: forward passes go through them, attributes are read from
    :attr:`decoder`.

    ``generator_ema`` is an mmengine averaged model: the EMA decoder itself is
    ``generator_ema.module`` (checkpoint keys ``generator_ema.module.*`` and
    ``generator_ema.steps``); calling ``generator_ema`` calls it. Checkpoints
    written before, with the decoder under ``generator_ema.*``, still load
    (:meth:`upgrade_state_dict`), and every reader of a decoder by the prefix
    ``generator_ema`` takes either layout.

    :meth:`update_latent_statistics` recomputes mu_w / sigma_w (Eq. 2) of both
    generators from their mapping networks; ``LatentStatisticsHook`` calls it before
    every checkpoint, so the checkpoint's ``generator_ema`` decoder is ready for the
    encoder stage.

    Args:
        generator (dict): StyleGANDecoder config.
        discriminator (dict): StyleGAN2Discriminator config.
        gan_loss (dict): NonSaturatingLogisticLoss config.
        r1_penalty (dict | None): R1GradientPenalty config.
        path_length (dict | None): PathLengthRegularizer config.
        mixing_prob (float): Probability of style mixing per step.
        ema_config (dict): The averaged model of G's weights, built with
            ``model=generator``: ``dict(type='HalfLifeEMA', half_life_kimg=10.,
            rampup=None)`` by default (see :class:`HalfLifeEMA` for the formula);
            another mmengine ``BaseAveragedModel`` (e.g. ``ExponentialMovingAverage``)
            is updated by its own rule, once per step. Without ``type``: HalfLifeEMA.
        ema_kimg (float, optional): Older spelling of ``ema_config.half_life_kimg``;
            overrides it when given.
        ema_rampup (float, optional): Older spelling of ``ema_config.rampup``;
            overrides it when given (not None).
        latent_statistics_samples (int): z samples for mu_w / sigma_w.
        seed (int): Base seed of the per-step random draws.
        data_preprocessor (dict): Maps ``inputs`` (real faces in [0, 1]) to [-1, 1].
    """

    def __init__(self, generator, discriminator, gan_loss=dict(type='NonSaturatingLogisticLoss'),
                 r1_penalty=dict(type='R1GradientPenalty'), path_length=None, mixing_prob=0.9,
                 ema_config=dict(type='HalfLifeEMA', half_life_kimg=10., rampup=None),
                 ema_kimg=None, ema_rampup=None, latent_statistics_samples=10000, seed=0,
                 data_preprocessor=dict(type='FaceSRDataPreprocessor'), init_cfg=None):
        if isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.generator = MODELS.build(generator)
        self.discriminator = MODELS.build(discriminator)
        if self.discriminator.in_size != self.generator.out_size:
            raise ValueError(f'discriminator in_size {self.discriminator.in_size} != generator '
                             f'out_size {self.generator.out_size}')
        self.generator_ema = self.build_ema(ema_config, ema_kimg, ema_rampup)
        self.gan_loss = MODELS.build(gan_loss)
        self.r1_penalty = MODELS.build(r1_penalty) if r1_penalty else None
        self.path_length = MODELS.build(path_length) if path_length else None
        self.mixing_prob = mixing_prob
        self.latent_statistics_samples = latent_statistics_samples
        self.seed = seed
        self.register_buffer('iteration', torch.zeros((), dtype=torch.long))
        self.register_buffer('seen_images', torch.zeros((), dtype=torch.long))

    def build_ema(self, ema_config, ema_kimg=None, ema_rampup=None):
        """The averaged model of ``generator`` that ``ema_config`` describes (legacy
        ``ema_kimg`` / ``ema_rampup`` override its half-life and ramp-up)."""
        cfg = dict(ema_config)
        cfg.setdefault('type', 'HalfLifeEMA')
        if ema_kimg is not None:
            cfg['half_life_kimg'] = ema_kimg
        if ema_rampup is not None:
            cfg['rampup'] = ema_rampup
        cls = MODELS.get(cfg['type']) if isinstance(cfg['type'], str) else cfg['type']
        if cls is None:
            raise KeyError(f"ema_config type {cfg['type']!r} is not a registered model")
        if not (isinstance(cls, type) and issubclass(cls, BaseAveragedModel)):
            raise TypeError(f"ema_config must name an mmengine BaseAveragedModel, got {cfg['type']!r}")
        return MODELS.build(dict(cfg, model=self.generator))

    @property
    def decoder(self):
        """The trained :class:`StyleGANDecoder` itself (``generator`` without a DDP wrapper)."""
        return unwrap_model(self.generator)

    @torch.no_grad()
    def update_latent_statistics(self):
        """mu_w, sigma_w of both generators from a fixed set of z samples."""
        for generator in (self.decoder, self.generator_ema.module):
            rng = torch.Generator(device=generator.latent_mean.device).manual_seed(self.seed)
            generator.update_latent_statistics(self.latent_statistics_samples, generator=rng)

    def step_rng(self):
        """The random generator of the current training step."""
        rng = torch.Generator(device=self.iteration.device)
        return rng.manual_seed(self.seed * 1_000_003 + int(self.iteration))

    def generate(self, num, rng, generator=None, return_latents=False):
        """Fakes from fresh z (two with probability ``mixing_prob``) and fresh noise maps."""
        generator = generator or self.generator
        decoder = unwrap_model(generator)
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
        """Count ``batch_size`` more images and average G's weights into ``generator_ema``.

        With :class:`HalfLifeEMA`: ``beta = 0.5 ** (batch_size / half_life)``,
        ``half_life = min(half_life_kimg * 1000, rampup * seen_images)`` (no
        minimum without ramp-up), ``seen_images`` including this batch;
        parameters ``ema <- beta * ema + (1 - beta) * G``, buffers copied.
        """
        self.seen_images += batch_size
        if isinstance(self.generator_ema, HalfLifeEMA):
            self.generator_ema.update_parameters(self.decoder, num_images=batch_size,
                                                 seen_images=int(self.seen_images))
        else:
            self.generator_ema.update_parameters(self.decoder)

    def upgrade_state_dict(self, state_dict, prefix=''):
        """Rename, in place, the keys of a checkpoint written before ``generator_ema``
        became an averaged model, and return it.

        ``generator_ema.<name>`` becomes ``generator_ema.module.<name>`` and
        ``generator_ema.steps`` is set to the checkpoint's ``iteration`` (one EMA
        update per iteration). A state dict already in the averaged layout, or
        without ``generator_ema``, is left as it is. Called on every load
        (:meth:`_load_from_state_dict`: ``load_state_dict``, mmengine's
        ``load_checkpoint``, ``resume``) and by dapfsr's checked loader.
        """
        head = prefix + 'generator_ema.'
        keys = [k for k in state_dict if k.startswith(head)]
        if not keys or any(k.startswith(head + 'module.') or k == head + 'steps' for k in keys):
            return state_dict
        for key in keys:
            state_dict[head + 'module.' + key[len(head):]] = state_dict.pop(key)
        iteration = state_dict.get(prefix + 'iteration')
        state_dict[head + 'steps'] = (iteration.detach().clone().long()
                                      if isinstance(iteration, torch.Tensor)
                                      else torch.zeros((), dtype=torch.long))
        return state_dict

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        # before the children read their keys: the loaders filter them from this dict
        self.upgrade_state_dict(state_dict, prefix)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

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
        fake = self.generator_ema(torch.randn(num, self.generator_ema.module.style_channels,
                                              device=inputs.device))
        if mode == 'tensor':
            return fake
        data_samples = data_samples or [FaceSRDataSample() for _ in range(num)]
        for sample, img in zip(data_samples, fake):
            sample.pred_img = ((img.clamp(-1, 1) + 1) / 2).cpu()
        return data_samples
