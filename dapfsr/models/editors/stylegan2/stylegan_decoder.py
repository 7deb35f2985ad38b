"""The upsampling decoder G of DAP-FSR (sec. 4.1): a StyleGAN2 generator in plain PyTorch."""
import math
import os.path as osp
import random

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from dapfsr.registry import MODELS
from .stylegan2_checkpoint import (convert_stylegan2_state_dict, infer_decoder_config,
                                   load_generator_state, load_stylegan2_checkpoint,
                                   read_stylegan2_checkpoint, select_generator_state)
from .stylegan2_modules import (ConstantInput, EqualLinear, FusedBiasLeakyReLU, ModulatedConv2d,
                                ModulatedStyleConv, ModulatedToRGB, PixelNorm)


def stylegan2_channels(out_size, channel_multiplier=2, channels=None):
    """Feature channels per resolution 4..out_size: ``channels`` or mmagic's table.

    mmagic's table: 512 up to 32 px, then 256, 128, 64, 32, 16 times
    ``channel_multiplier`` at 64, 128, 256, 512, 1024 px.
    """
    if channels is None:
        channels = {4: 512, 8: 512, 16: 512, 32: 512, 64: 256 * channel_multiplier,
                    128: 128 * channel_multiplier, 256: 64 * channel_multiplier,
                    512: 32 * channel_multiplier, 1024: 16 * channel_multiplier}
    channels = {int(res): int(ch) for res, ch in channels.items()}
    needed = [2 ** i for i in range(2, int(math.log2(out_size)) + 1)]
    missing = [res for res in needed if res not in channels]
    if missing:
        raise KeyError(f'channels table lacks resolutions {missing} (needs {needed})')
    return {res: channels[res] for res in needed}


@MODELS.register_module()
class StyleGANDecoder(BaseModule):
    r"""StyleGAN2 generator G: latents -> faces, no custom CUDA ops.

    Mapping network (pixel norm, ``num_mlps`` equalized-lr layers with
    ``lr_mlp``), learned 4x4 constant, two modulated 3x3 convs per resolution
    with noise injection, and to_rgb skip outputs summed through FIR
    upsampling. Arguments and forward keywords follow mmagic's
    ``StyleGAN2Generator``; its checkpoints and rosinality's load through
    :func:`~dapfsr.models.editors.stylegan2.convert_stylegan2_state_dict` (or
    ``pretrained``).

    W+ has ``num_latents`` L = 2 log2(out_size) - 2 rows: conv1 takes w_0,
    to_rgb1 w_1, and the block at 2^(k+3) px takes w_{2k+1}, w_{2k+2} (convs)
    and w_{2k+3} (to_rgb). ``latent_mean`` / ``latent_std`` are mu_w and
    sigma_w of Eq. 2, buffers saved with the weights.

    Args:
        out_size (int): Output side, a power of two from 8 to 1024.
        style_channels (int): D, size of z and w.
        num_mlps (int): Layers of the mapping network.
        channel_multiplier (int): Width factor of mmagic's channel table.
        channels (dict, optional): Channels per resolution, e.g.
            ``{4: 256, 8: 256, 16: 128, 32: 64}``; overrides the table.
        lr_mlp (float): Learning-rate multiplier of the mapping network.
        blur_kernel (tuple): FIR taps for up-sampling.
        out_channels (int): Image channels.
        pretrained (dict, optional): ``dict(ckpt_path=..., prefix=None)``:
            loads a dapfsr, mmagic or rosinality checkpoint at build time.
        init_cfg (dict, optional): mmengine init config.
    """

    def __init__(self, out_size, style_channels=512, num_mlps=8, channel_multiplier=2, channels=None,
                 lr_mlp=0.01, blur_kernel=(1, 3, 3, 1), out_channels=3, pretrained=None,
                 init_cfg=None):
        super().__init__(init_cfg)
        log_size = math.log2(out_size) if isinstance(out_size, int) and out_size > 0 else -1
        if log_size != int(log_size) or not 3 <= log_size <= 10:
            raise ValueError(f'out_size must be a power of two in [8, 1024], got {out_size!r}')
        self.out_size = out_size
        self.style_channels = style_channels
        self.num_mlps = num_mlps
        self.lr_mlp = lr_mlp
        self.out_channels = out_channels
        self.channels = stylegan2_channels(out_size, channel_multiplier, channels)
        self.log_size = int(log_size)
        self.num_latents = self.log_size * 2 - 2
        self.num_injected_noises = self.num_latents - 1

        self.style_mapping = nn.Sequential(PixelNorm(), *[
            EqualLinear(style_channels, style_channels, lr_mul=lr_mlp, activation=True)
            for _ in range(num_mlps)])
        ch = self.channels
        self.constant_input = ConstantInput(ch[4])
        self.conv1 = ModulatedStyleConv(ch[4], ch[4], 3, style_channels, blur_kernel=blur_kernel)
        self.to_rgb1 = ModulatedToRGB(ch[4], style_channels, out_channels, upsample=False)
        self.convs = nn.ModuleList()
        self.to_rgbs = nn.ModuleList()
        for res in list(ch)[1:]:
            self.convs.append(ModulatedStyleConv(ch[res // 2], ch[res], 3, style_channels,
                                                 upsample=True, blur_kernel=blur_kernel))
            self.convs.append(ModulatedStyleConv(ch[res], ch[res], 3, style_channels,
                                                 blur_kernel=blur_kernel))
            self.to_rgbs.append(ModulatedToRGB(ch[res], style_channels, out_channels,
                                               blur_kernel=blur_kernel))
        # Fixed noise maps for randomize_noise=False, as in mmagic and rosinality.
        for i in range(self.num_injected_noises):
            res = 2 ** ((i + 5) // 2)
            self.register_buffer(f'injected_noise_{i}', torch.randn(1, 1, res, res))
        self.register_buffer('latent_mean', torch.zeros(style_channels))
        self.register_buffer('latent_std', torch.ones(style_channels))

        if pretrained is not None:
            self.load_pretrained(**pretrained)

    def load_pretrained(self, ckpt_path, prefix=None, map_location='cpu'):
        """Load a dapfsr, mmagic or rosinality checkpoint (see :func:`load_stylegan2_checkpoint`)."""
        load_stylegan2_checkpoint(self, ckpt_path, prefix=prefix, map_location=map_location)

    @property
    def injected_noise(self):
        """The fixed noise maps, list of (1, 1, r, r)."""
        return [getattr(self, f'injected_noise_{i}') for i in range(self.num_injected_noises)]

    def make_injected_noise(self, batch_size=1, generator=None):
        """Fresh N(0, 1) noise maps, list of (batch_size, 1, r, r), one per style conv."""
        device = self.constant_input.input.device
        return [torch.randn(batch_size, 1, *noise.shape[2:], generator=generator, device=device)
                for noise in self.injected_noise]

    def style_modulation_parameters(self):
        """The AdaIN affines phi of Algorithm 1: list of (name, Parameter).

        Exactly the weights and biases of the ``style_modulation`` layer (w ->
        channel scales) of every modulated conv, to_rgb included; nothing else.
        """
        return [(f'{name}.style_modulation.{pname}', param)
                for name, module in self.named_modules() if isinstance(module, ModulatedConv2d)
                for pname, param in module.style_modulation.named_parameters()]

    def synthesis_bias_parameters(self):
        """The per-channel biases added after each modulated conv (before its leaky ReLU) and
        after each to_rgb: list of (name, Parameter). With the modulation they are
        StyleGAN2's nearest equivalent of AdaIN's bias: demodulation cancels a uniform scale
        of phi, these shift a layer's mean."""
        return [(f'{name}.bias', module.bias) for name, module in self.named_modules()
                if isinstance(module, (FusedBiasLeakyReLU, ModulatedToRGB))]

    @torch.no_grad()
    def update_latent_statistics(self, num_samples=10000, generator=None, batch_size=4096):
        """Set mu_w, sigma_w (Eq. 2) to the per-channel mean and std of w = mapping(z).

        Args:
            num_samples (int): Number of z ~ N(0, I) drawn.
            generator (torch.Generator, optional): For reproducible statistics.
            batch_size (int): Samples mapped at once.

        Returns:
            tuple[Tensor, Tensor]: ``latent_mean``, ``latent_std``, (D,) each.
        """
        mean, std = self.mapping_statistics(num_samples, generator, batch_size)
        self.latent_mean.copy_(mean)
        self.latent_std.copy_(std)
        return self.latent_mean, self.latent_std

    @torch.no_grad()
    def mapping_statistics(self, num_samples=10000, generator=None, batch_size=4096, transform=None):
        """Per-channel mean and (unbiased) std of ``transform(mapping(z))``, z ~ N(0, I).

        Args:
            num_samples (int): Number of z drawn.
            generator (torch.Generator, optional): On the decoder's device.
            batch_size (int): Samples mapped at once.
            transform (callable, optional): Applied to each batch of w (N, D),
                e.g. PULSE's LeakyReLU(5); None: w itself.

        Returns:
            tuple[Tensor, Tensor]: Mean and std, (D,) float64 each.
        """
        device = self.latent_mean.device
        total = torch.zeros(self.style_channels, dtype=torch.float64, device=device)
        total_sq = torch.zeros_like(total)
        for start in range(0, num_samples, batch_size):
            z = torch.randn(min(batch_size, num_samples - start), self.style_channels,
                            generator=generator, device=device)
            w = self.style_mapping(z)
            w = (w if transform is None else transform(w)).double()
            total += w.sum(0)
            total_sq += w.square().sum(0)
        mean = total / num_samples
        var = (total_sq / num_samples - mean.square()) * num_samples / max(num_samples - 1, 1)
        return mean, var.clamp_min(0).sqrt()

    def sample_source_latents(self, num, generator=None):
        """W+ codes of the source domain, mu_w + sigma_w * eps (Algorithm 1, line 3).

        One eps ~ N(0, I) per sample, shared by all L rows, as a mapped w is.

        Returns:
            Tensor: (num, L, D).
        """
        eps = torch.randn(num, 1, self.style_channels, generator=generator,
                          device=self.latent_mean.device)
        return (self.latent_mean + self.latent_std * eps).expand(-1, self.num_latents, -1)

    def _check_styles(self, styles, input_is_latent):
        if isinstance(styles, torch.Tensor):
            styles = [styles]
        if not isinstance(styles, (list, tuple)) or not 1 <= len(styles) <= 2:
            raise TypeError('styles must be a tensor or a list of one or two tensors, got '
                            f'{type(styles).__name__}')
        for s in styles:
            wplus = s.ndim == 3 and input_is_latent
            if s.shape[-1] != self.style_channels or not (s.ndim == 2 or wplus) or (
                    wplus and s.shape[1] != self.num_latents):
                expected = f'(N, {self.style_channels})'
                if input_is_latent:
                    expected += f' or W+ (N, {self.num_latents}, {self.style_channels})'
                raise ValueError(f'style of shape {tuple(s.shape)}, expected {expected}')
        if len(styles) == 2 and any(s.ndim == 3 for s in styles):
            raise ValueError('style mixing takes two (N, D) codes, not W+ tensors')
        return list(styles)

    def forward(self, styles, input_is_latent=False, randomize_noise=True, injected_noise=None,
                truncation=1., truncation_latent=None, inject_index=None, return_latents=False):
        """Draw faces from z, w or W+ codes.

        Args:
            styles (Tensor | list[Tensor]): z or w (N, D); W+ (N, L, D) with
                ``input_is_latent``; two (N, D) codes for style mixing.
            input_is_latent (bool): ``styles`` are w / W+ (skip the mapping).
            randomize_noise (bool): Fresh noise maps; else the fixed buffers.
            injected_noise (list[Tensor], optional): Noise maps (N or 1, 1, r, r)
                for each of the L - 1 style convs; overrides the above.
            truncation (float): psi < 1 pulls w towards ``truncation_latent``.
            truncation_latent (Tensor, optional): (D,); defaults to mu_w.
            inject_index (int, optional): First W+ row taken from the second
                code when mixing; random in [1, L - 1] when None.
            return_latents (bool): Return a dict with ``fake_img`` and ``latent``.

        Returns:
            Tensor | dict: (N, C, out_size, out_size) images in about [-1, 1],
            or ``dict(fake_img, latent=(N, L, D))``.
        """
        styles = self._check_styles(styles, input_is_latent)
        if not input_is_latent:
            styles = [self.style_mapping(s) for s in styles]
        if truncation < 1:
            center = self.latent_mean if truncation_latent is None else truncation_latent
            styles = [center + truncation * (s - center) for s in styles]
        if len(styles) == 1:
            latent = styles[0] if styles[0].ndim == 3 else styles[0][:, None].expand(
                -1, self.num_latents, -1)
        else:
            if inject_index is None:
                inject_index = random.randint(1, self.num_latents - 1)
            latent = torch.cat([styles[0][:, None].expand(-1, inject_index, -1),
                                styles[1][:, None].expand(-1, self.num_latents - inject_index, -1)], 1)
        if injected_noise is None:
            injected_noise = ([None] * self.num_injected_noises if randomize_noise
                              else self.injected_noise)
        elif len(injected_noise) != self.num_injected_noises:
            raise ValueError(f'injected_noise has {len(injected_noise)} maps, the decoder '
                             f'needs {self.num_injected_noises}')

        out = self.conv1(self.constant_input(latent.shape[0]), latent[:, 0], injected_noise[0])
        skip = self.to_rgb1(out, latent[:, 1])
        for k, (up_conv, conv, to_rgb) in enumerate(zip(self.convs[::2], self.convs[1::2],
                                                        self.to_rgbs)):
            out = up_conv(out, latent[:, 2 * k + 1], injected_noise[2 * k + 1])
            out = conv(out, latent[:, 2 * k + 2], injected_noise[2 * k + 2])
            skip = to_rgb(out, latent[:, 2 * k + 3], skip)
        if return_latents:
            return dict(fake_img=skip, latent=latent)
        return skip


def build_decoder_from_checkpoint(path, prefix=None, map_location='cpu'):
    """A :class:`StyleGANDecoder` shaped and loaded from the checkpoint at ``path``, in eval mode.

    Any dapfsr, mmagic or rosinality checkpoint: the architecture is read off
    the weights (:func:`infer_decoder_config`), the generator found as in
    :func:`select_generator_state` (``prefix='decoder'`` for a DAP-FSR model).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: The file cannot be read or holds no StyleGAN2 generator
            under ``prefix``; one line that names the file.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'decoder checkpoint {path} does not exist')
    checkpoint = read_stylegan2_checkpoint(path, map_location)
    try:
        state = convert_stylegan2_state_dict(select_generator_state(checkpoint, prefix))
        decoder = StyleGANDecoder(**infer_decoder_config(state))
    except (KeyError, ValueError) as err:
        reason = err.args[0] if isinstance(err, KeyError) and err.args else err
        hint = '; a DAP-FSR checkpoint needs --prefix decoder' if prefix is None else ''
        raise ValueError(f'{path} holds no StyleGAN2 generator under prefix {prefix!r} '
                         f'({reason}){hint}') from None
    return load_generator_state(decoder, state, path).eval()
