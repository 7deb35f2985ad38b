"""Read StyleGAN2 generator weights of mmagic, rosinality and dapfsr into :class:`StyleGANDecoder`.

- mmagic ``StyleGAN2Generator``: equalized-lr hook parameters ``*.weight_orig``
  and linear layers wrapped as ``*.linear``, e.g.
  ``convs.0.conv.style_modulation.linear.weight_orig``, ``injected_noise_0``;
  training checkpoints hold it under ``generator_ema.`` (or ``generator.``),
  newer ones as an averaged model, ``generator_ema.module.`` (and ``generator_ema.steps``).
- rosinality ``stylegan2-pytorch``: ``g_ema`` with ``style.N``, ``input.input``,
  ``*.conv.modulation``, ``*.noise.weight``, ``noises.noise_N``.
- dapfsr: this package's own names (mmagic's without the hook).

Every layout stores weights at unit scale, so conversion is renaming only.
"""
import argparse
import re

import torch

from dapfsr.utils.checkpoint import (load_checkpoint_file, load_state_dict_checked,
                                     state_dict_from_checkpoint, unwrap_module_state)

MMAGIC_RENAMES = [(r'\.linear\.weight_orig$', '.weight'), (r'\.weight_orig$', '.weight')]
ROSINALITY_RENAMES = [
    (r'^style\.(\d+)\.', r'style_mapping.\1.'),
    (r'^input\.input$', 'constant_input.input'),
    (r'\.conv\.modulation\.', '.conv.style_modulation.'),
    (r'\.noise\.weight$', '.noise_injector.weight'),
    (r'^noises\.noise_(\d+)$', r'injected_noise_\1'),
]
LATENT_STATISTICS = ('latent_mean', 'latent_std')


def detect_stylegan2_layout(state_dict):
    """'mmagic', 'rosinality' or 'dapfsr', from the key names of a generator state dict."""
    keys = list(state_dict)
    if any(k.endswith('weight_orig') for k in keys):
        return 'mmagic'
    if any(k.startswith(('style.', 'noises.')) or k == 'input.input' for k in keys):
        return 'rosinality'
    if any(k.startswith('style_mapping.') for k in keys):
        return 'dapfsr'
    raise ValueError('not a StyleGAN2 generator state dict (no mapping network keys); keys begin '
                     f'with {sorted({k.split(".")[0] for k in keys})[:8]}')


def convert_stylegan2_state_dict(state_dict, source='auto'):
    """Rename an mmagic / rosinality generator state dict to :class:`StyleGANDecoder` keys.

    Args:
        state_dict (dict): Generator parameters and buffers.
        source (str): 'auto', 'mmagic', 'rosinality' or 'dapfsr'.

    Returns:
        dict: The same tensors under dapfsr names. mmagic's ``w_avg`` buffer
        (an EMA of w, kept only with ``update_mean_latent_with_ema``) is dropped.
    """
    layout = detect_stylegan2_layout(state_dict) if source == 'auto' else source
    renames = {'mmagic': MMAGIC_RENAMES, 'rosinality': ROSINALITY_RENAMES, 'dapfsr': []}
    if layout not in renames:
        raise ValueError(f"source must be 'auto', 'mmagic', 'rosinality' or 'dapfsr', got {source!r}")
    converted = {}
    for key, value in state_dict.items():
        if layout == 'mmagic' and key == 'w_avg':
            continue
        for pattern, repl in renames[layout]:
            key = re.sub(pattern, repl, key)
        converted[key] = value
    return converted


def infer_decoder_config(state_dict):
    """Architecture arguments of :class:`StyleGANDecoder` read off a dapfsr-layout state dict.

    ``lr_mlp`` and ``blur_kernel`` are not recoverable from weights (both
    public releases use 0.01 and (1, 3, 3, 1)).
    """
    mapping = sorted(int(m.group(1)) for k in state_dict
                     for m in [re.match(r'style_mapping\.(\d+)\.weight$', k)] if m)
    num_blocks = len({k.split('.')[1] for k in state_dict if k.startswith('to_rgbs.')})
    channels = {4: state_dict['constant_input.input'].shape[1]}
    for block in range(num_blocks):
        channels[8 * 2 ** block] = state_dict[f'convs.{2 * block}.conv.weight'].shape[1]
    return dict(out_size=4 * 2 ** num_blocks,
                style_channels=state_dict['style_mapping.1.weight'].shape[1],
                num_mlps=len(mapping), channels=channels,
                out_channels=state_dict['to_rgb1.bias'].shape[1])


def select_generator_state(checkpoint, prefix=None):
    """The generator's state dict inside a loaded checkpoint.

    With ``prefix`` None: rosinality's ``g_ema``, else mmagic's/dapfsr's
    ``generator_ema.`` keys, else the whole state dict. The wrapper of an
    averaged model (``generator_ema.module.*`` and ``generator_ema.steps``, the
    layout of mmengine's averaged models, which StyleGAN2 writes) or of DDP is removed, so
    the older bare layout (``generator_ema.*``) and the averaged one read alike.
    """
    if prefix is None:
        if isinstance(checkpoint, dict) and isinstance(checkpoint.get('g_ema'), dict):
            prefix = 'g_ema'
        elif any(k.startswith('generator_ema.') for k in state_dict_from_checkpoint(checkpoint)):
            prefix = 'generator_ema'
    return unwrap_module_state(state_dict_from_checkpoint(checkpoint, prefix))


def read_stylegan2_checkpoint(path, map_location='cpu'):
    """Load a checkpoint file with weights_only=True; rosinality's training
    checkpoints also pickle their ``argparse.Namespace`` options, allowed here."""
    with torch.serialization.safe_globals([argparse.Namespace]):
        return load_checkpoint_file(path, map_location)


def load_stylegan2_checkpoint(decoder, path, prefix=None, map_location='cpu'):
    """Load generator weights from a dapfsr, mmagic or rosinality checkpoint file.

    When the file has no mu_w / sigma_w (the public releases), they are
    computed from the loaded mapping network with a fixed seed.

    Raises:
        CheckpointError: The file's weights do not fit ``decoder``; the message
            names the file and the first mismatching keys.
    """
    return load_generator_state(decoder, convert_stylegan2_state_dict(
        select_generator_state(read_stylegan2_checkpoint(path, map_location), prefix)), path)


def load_generator_state(decoder, state, path):
    """Load a dapfsr-layout generator state dict read from ``path`` (named in errors);
    mu_w / sigma_w are computed with a fixed seed when the state has none."""
    load_state_dict_checked(decoder, state, path, allow_missing=LATENT_STATISTICS,
                            what='this StyleGANDecoder (check out_size, style_channels, num_mlps, '
                                 'channels)')
    if not all(k in state for k in LATENT_STATISTICS):
        generator = torch.Generator(device=decoder.latent_mean.device).manual_seed(0)
        decoder.update_latent_statistics(generator=generator)
    return decoder
