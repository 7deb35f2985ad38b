"""PULSE (Menon et al., CVPR 2020): super-resolution by latent search through a StyleGAN.

Facts from the public code adamian98/pulse (docs/baselines.md#pulse); the pieces
are small functions and one model:

- :func:`linear_1cycle_drop`: the learning-rate factor "linear1cycledrop";
- :func:`geocross`: the GEOCROSS loss on the W+ rows;
- :class:`SphericalOptimizer`: steps of a torch optimizer projected back to spheres;
- :class:`PULSE`: the search, batched, through any :class:`StyleGANDecoder`.
"""
import math
import time

import torch
import torch.nn.functional as F
from mmengine.logging import print_log

from dapfsr.registry import MODELS, OPTIMIZERS
from dapfsr.utils.matlab_resize import imresize
from dapfsr.models.base_models import BaseFaceSRModel


def linear_1cycle_drop(step, steps):
    """PULSE's "linear1cycledrop" learning-rate factor at ``step`` of ``steps`` (LambdaLR).

    A triangle 0.1 -> 1 -> 0.1 over the first 90 % of the steps, then a linear drop
    from 0.1 towards 0.001 (docs/baselines.md#pulse-search-and-sphericaloptimizer).
    """
    cycle = 0.9 * steps
    if step < cycle:
        return (9 * (1 - 2 * abs(step / cycle - 0.5)) + 1) / 10
    return 0.1 + (step - cycle) / (0.1 * steps) * (0.001 - 0.1)


def geocross(latents):
    """GEOCROSS of W+ codes (N, L, D) -> (N,): the spread of each code's L rows on a sphere.

    For every pair of rows (x, y), diagonal included, d = 2 atan2(|x - y|, |x + y|)
    (the angle between x and y when |x| = |y|); loss = mean over pairs of D d^2, / 8
    (docs/baselines.md#pulse-loss; its D = 512, here the decoder's style channels).
    """
    x, y = latents[:, None], latents[:, :, None]  # (N, 1, L, D), (N, L, 1, D)
    a = ((x - y).square().sum(-1) + 1e-9).sqrt()
    b = ((x + y).square().sum(-1) + 1e-9).sqrt()
    angles = 2 * torch.atan2(a, b)
    return (angles.square() * latents.shape[-1]).mean((1, 2)) / 8


def _radius(param):
    """Norm over all but the first two dims (batch, row), kept: (B, R, 1, ...)."""
    return (param.square().sum(tuple(range(2, param.ndim)), keepdim=True) + 1e-9).sqrt()


class SphericalOptimizer:
    """Steps of ``optimizer`` projected back to the spheres its parameters start on.

    After every step, each parameter is rescaled to its initial radius per index of
    its first two dims: each D-vector of a W+ code (N, L, D), each (1, r, r) noise
    map (N, 1, r, r) (docs/baselines.md#pulse-search-and-sphericaloptimizer).

    Args:
        optimizer (torch.optim.Optimizer): Built over the parameters to keep on spheres.
    """

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.params = [p for group in optimizer.param_groups for p in group['params']]
        with torch.no_grad():
            self.radii = [_radius(p) for p in self.params]

    def zero_grad(self):
        self.optimizer.zero_grad()

    @torch.no_grad()
    def step(self):
        self.optimizer.step()
        for param, radius in zip(self.params, self.radii):
            param.mul_(radius / _radius(param))


@MODELS.register_module()
class PULSE(BaseFaceSRModel):
    r"""PULSE: search the decoder's latent space for a face that downscales to the LR face.

    For each LR face, z ~ N(0, I) of shape (L, D) (one row per W+ row, seeded per
    face) is mapped to W+ by w = lrelu_0.2(z \sigma + \mu), where (\mu, \sigma) is the
    Gaussian fit of LeakyReLU(5)(mapping(z)) (the inverse of the mapping's last
    activation; our mapping's sqrt(2) gain commutes with it). z and the trainable noise
    maps move by Adam on their spheres (:class:`SphericalOptimizer`) under
    ``linear1cycledrop`` to minimise

        loss = l2_weight * max(mean((D(G(w)) - LR)^2), eps) + geocross_weight * GEOCROSS(w)

    with D the MATLAB bicubic downsampler to the LR size (the kernel our LR faces are
    made with; PULSE's own, also antialiased Keys a = -0.5 with the same sample centres,
    differs only in the outer two LR pixels: reflect, not symmetric, padding) and images
    in [0, 1] as in PULSE (so ``eps`` is PULSE's value). The output is each face's image
    at its lowest loss (PULSE keeps the whole batch at its lowest summed loss: the same
    for a batch of one); the faces of a batch are independent (Adam is elementwise and
    the loss a sum over faces), so a face's result does not depend on its batch. A face
    whose best L2 stays above eps is what PULSE reports as a failure: it is output all
    the same and counted in the log.

    Noise maps: PULSE (StyleGAN v1, maps 4, 4, 8, 8, 16, ...) trains its first 5 maps
    (every map up to 8 px and the first at 16 px) and zeroes the last; our StyleGAN2
    layout (4, 8, 8, 16, 16, ...) has the same maps as its first 4, the default of
    ``num_trainable_noises``. The other maps are fixed N(0, 1) draws per face.

    The decoder is frozen and loads from ``decoder_checkpoint`` when built (as
    :class:`DAPFSR`'s), so the model has no weights of its own: ``tools/test.py``
    runs it without a checkpoint. The Gaussian fit is computed on the first search
    and kept (non-persistent buffers) until the decoder's weights are loaded again.

    Args:
        decoder (dict): StyleGANDecoder config, matching the checkpoint.
        decoder_checkpoint (str, optional): The decoder's weights (any layout
            :func:`load_stylegan2_checkpoint` reads); without it the checkpoint
            given to the tools must hold ``decoder.*``.
        decoder_checkpoint_prefix (str, optional): Key prefix of the generator in
            that file; None finds ``g_ema`` / ``generator_ema`` or takes the whole file.
        steps (int): Optimisation steps per face.
        optimizer (dict): torch optimizer config (``type``, ``lr``); PULSE: Adam, 0.4.
        l2_weight (float): Weight of the downscaling loss.
        geocross_weight (float): Weight of GEOCROSS.
        eps (float): Floor of the per-face L2 (mean squared error in [0, 1]).
        num_trainable_noises (int): The first maps of ``decoder.injected_noise`` to optimise.
        zeroed_noises (Sequence[int]): Indices (negative from the end) of zero maps.
        seed (int): Face k draws its z and noise from ``seed + k``, k its ``sample_idx``
            (its index in the test set it comes from, whatever the batch) or, without
            one, its position in the call.
        gaussian_fit_samples (int): z mapped for the Gaussian fit (PULSE: 1e6).
        out_size (int, optional): Resize the output (MATLAB bicubic) to this side,
            e.g. for a public 256 / 1024 px decoder on a 128 px benchmark; None: the
            decoder's size.
        adaptation_steps (int): Search steps per face in :meth:`adaptation_forward`
            (one-shot adaptation redraws many faces; a short search keeps it affordable).
        data_preprocessor (dict): FaceSRDataPreprocessor config.
        refiner (dict, optional): See :class:`BaseFaceSRModel`.
    """

    def __init__(self, decoder, decoder_checkpoint=None, decoder_checkpoint_prefix=None, steps=100,
                 optimizer=dict(type='Adam', lr=0.4), l2_weight=100.0, geocross_weight=0.05,
                 eps=2e-3, num_trainable_noises=4, zeroed_noises=(-1, ), seed=0,
                 gaussian_fit_samples=1_000_000, out_size=None, adaptation_steps=20,
                 data_preprocessor=dict(type='FaceSRDataPreprocessor'), refiner=None):
        super().__init__(data_preprocessor=data_preprocessor, refiner=refiner)
        self.build_frozen_decoder(decoder, decoder_checkpoint, decoder_checkpoint_prefix).eval()
        num_noises = self.decoder.num_injected_noises
        if not 0 <= num_trainable_noises <= num_noises:
            raise ValueError(f'num_trainable_noises={num_trainable_noises}: the decoder has '
                             f'{num_noises} noise maps')
        if any(not -num_noises <= i < num_noises for i in zeroed_noises):
            raise ValueError(f'zeroed_noises={tuple(zeroed_noises)}: the decoder has {num_noises} '
                             'noise maps')
        if steps < 1:
            raise ValueError(f'PULSE needs steps >= 1, got {steps}')
        self.steps = steps
        self.optimizer_cfg = dict(optimizer)
        self.l2_weight = l2_weight
        self.geocross_weight = geocross_weight
        self.eps = eps
        self.num_trainable_noises = num_trainable_noises
        self.zeroed_noises = sorted(i % num_noises for i in zeroed_noises)
        self.seed = seed
        self.gaussian_fit_samples = gaussian_fit_samples
        self.out_size = out_size
        self.adaptation_steps = adaptation_steps
        self.register_buffer('fit_mean', None, persistent=False)
        self.register_buffer('fit_std', None, persistent=False)
        self.decoder.register_load_state_dict_post_hook(self._forget_gaussian_fit)

    def train(self, mode=True):
        super().train(mode)
        self.decoder.eval()
        return self

    def _forget_gaussian_fit(self, module, incompatible_keys):
        self.fit_mean = self.fit_std = None

    def gaussian_fit(self):
        """(mu, sigma), (D,) each: the Gaussian fit of LeakyReLU(5)(mapping(z)), computed
        once (from ``gaussian_fit_samples`` z, seed 0, as PULSE) and kept."""
        if self.fit_mean is None:
            start = time.perf_counter()
            generator = torch.Generator(device=self.decoder.latent_mean.device).manual_seed(0)
            mean, std = self.decoder.mapping_statistics(
                self.gaussian_fit_samples, generator, batch_size=65536,
                transform=lambda w: F.leaky_relu(w, 5.0))
            self.fit_mean, self.fit_std = mean.float(), std.float()
            print_log(f'PULSE: Gaussian fit of the mapping from {self.gaussian_fit_samples} '
                      f'samples in {time.perf_counter() - start:.1f} s', logger='current')
        return self.fit_mean, self.fit_std

    def latent_transform(self, z):
        """z (N, L, D) -> W+ codes (N, L, D): lrelu_0.2(z sigma + mu)."""
        mean, std = self.gaussian_fit()
        return F.leaky_relu(z * std + mean, 0.2)

    def initial_variables(self, seeds):
        """z (N, L, D) and noise maps for faces seeded by ``seeds``; the trainable maps
        (the first ``num_trainable_noises``) are leaves that require grad."""
        decoder = self.decoder
        shapes = [noise.shape[1:] for noise in decoder.injected_noise]
        z, noises = [], [[] for _ in shapes]
        for seed in seeds:  # drawn on the CPU: the same start on every device
            generator = torch.Generator().manual_seed(int(seed))
            z.append(torch.randn(decoder.num_latents, decoder.style_channels, generator=generator))
            for maps, shape in zip(noises, shapes):
                maps.append(torch.randn(shape, generator=generator))
        device = decoder.latent_mean.device
        z = torch.stack(z).to(device).requires_grad_()
        noises = [torch.stack(maps).to(device) for maps in noises]
        for i in self.zeroed_noises:
            noises[i].zero_()
        for i in range(self.num_trainable_noises):
            noises[i].requires_grad_()
        return z, noises

    def search(self, lr, seeds, steps=None):
        """LR faces (N, 3, h, w) in [-1, 1] -> the best faces (N, 3, H, W) in [-1, 1],
        their W+ codes (N, L, D), best L2 (N,) and noise maps (list of (N, 1, s, s)),
        after ``steps`` (default ``self.steps``) steps."""
        num, steps = lr.shape[0], steps or self.steps
        target = (lr + 1) / 2
        z, noises = self.initial_variables(seeds)
        params = [z] + noises[:self.num_trainable_noises]
        optimizer = SphericalOptimizer(OPTIMIZERS.build(dict(self.optimizer_cfg, params=params)))
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer.optimizer, lambda step: linear_1cycle_drop(step, steps))
        best_loss = lr.new_full((num, ), math.inf)
        best_l2 = lr.new_full((num, ), math.inf)
        best_img, best_w = None, None
        best_noises = [noise.detach().clone() for noise in noises]
        for _ in range(steps):
            w = self.latent_transform(z)
            img = (self.decoder(w, input_is_latent=True, injected_noise=noises) + 1) / 2
            l2 = (imresize(img, size=tuple(lr.shape[-2:])) - target).square().mean((1, 2, 3))
            loss = self.l2_weight * l2.clamp_min(self.eps) + self.geocross_weight * geocross(w)
            with torch.no_grad():
                if best_img is None:
                    best_img, best_w = img.detach().clone(), w.detach().clone()
                better = loss < best_loss
                best_loss = torch.where(better, loss, best_loss)
                best_l2 = torch.where(better, l2, best_l2)
                best_img[better] = img[better]
                best_w[better] = w[better]
                for best, noise in zip(best_noises[:self.num_trainable_noises], noises):
                    best[better] = noise[better]
            optimizer.zero_grad()
            loss.sum().backward(inputs=params)  # not into a decoder that is being adapted
            optimizer.step()
            scheduler.step()
        return self.resize_output(best_img * 2 - 1), best_w, best_l2, best_noises

    def resize_output(self, sr):
        if self.out_size is not None and self.out_size != sr.shape[-1]:
            return imresize(sr, size=(self.out_size, self.out_size))
        return sr

    @property
    def hr_size(self):
        return self.out_size or self.decoder.out_size

    def adaptation_parameter_groups(self):
        return self.decoder_parameter_groups()

    def adaptation_forward(self, lr):
        """The searched faces redrawn with gradients to the decoder: G(w*, n*), w* and the
        noise maps n* of a ``adaptation_steps`` search (no gradient through the search, so
        none to ``lr``)."""
        with torch.enable_grad():
            _, latents, _, noises = self.search(lr, self.face_seeds(lr.shape[0], None),
                                                steps=self.adaptation_steps)
        sr = self.resize_output(self.decoder(latents, input_is_latent=True, injected_noise=noises))
        return self.refine(sr, lr, adapting=True)

    def adaptation_loss(self, sr, hr):
        """Pixel MSE of the redrawn search results to the HR faces: the decoder learns to
        draw target-style faces where the search finds them."""
        return dict(loss_pixel=F.mse_loss(sr, hr))

    def face_seeds(self, num, data_samples):
        indices = [s.metainfo.get('sample_idx') for s in data_samples] if data_samples else []
        if len(indices) != num or None in indices:
            indices = range(num)
        return [self.seed + int(i) for i in indices]

    def forward(self, inputs, data_samples=None, mode='tensor'):
        if mode not in ('predict', 'tensor'):
            raise ValueError(f'PULSE has nothing to learn: mode must be "predict" or "tensor", '
                             f'got {mode!r}')
        start = time.perf_counter()
        seeds = self.face_seeds(inputs.shape[0], data_samples)
        with torch.enable_grad():  # the test loops run under no_grad
            sr, latents, l2, _ = self.search(inputs, seeds)
        seconds = time.perf_counter() - start
        print_log(f'PULSE: {len(seeds)} faces (seeds {seeds[0]}..{seeds[-1]}), {self.steps} steps in '
                  f'{seconds:.1f} s ({seconds / len(seeds):.2f} s/face); best L2 min {l2.min():.2e} '
                  f'median {l2.median():.2e} max {l2.max():.2e}; {int((l2 <= self.eps).sum())}/'
                  f'{len(seeds)} within eps {self.eps:g}', logger='current')
        out = self.sr_output(sr, inputs, data_samples, mode)
        if mode == 'tensor':
            return out
        for sample, latent, value in zip(out, latents, l2):
            sample.pred_latent = latent  # (L, D), for LatentSpread
            sample.pulse_l2 = value  # best downscaling L2; > eps: PULSE's failure
        return out
