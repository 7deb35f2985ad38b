"""StyleGAN2 (Karras et al. 2020): the W+ decoder that DAP-FSR and PULSE draw with, its
discriminator and the GAN that trains them, mmagic / rosinality checkpoint conversion, W+ fitting."""
from .latent_fit import SPACE_NAMES, fit_latents
from .stylegan2_checkpoint import (convert_stylegan2_state_dict, detect_stylegan2_layout,
                                   infer_decoder_config, load_generator_state,
                                   load_stylegan2_checkpoint, read_stylegan2_checkpoint,
                                   select_generator_state)
from .stylegan2_discriminator import StyleGAN2Discriminator
from .stylegan2_ops import fused_bias_leakyrelu, upfirdn2d
from .stylegan2 import StyleGAN2
from .stylegan_decoder import StyleGANDecoder, build_decoder_from_checkpoint

__all__ = ['SPACE_NAMES', 'fit_latents', 'StyleGAN2', 'StyleGANDecoder', 'StyleGAN2Discriminator', 'build_decoder_from_checkpoint',
           'convert_stylegan2_state_dict', 'detect_stylegan2_layout', 'infer_decoder_config',
           'load_generator_state', 'load_stylegan2_checkpoint', 'read_stylegan2_checkpoint',
           'select_generator_state', 'fused_bias_leakyrelu', 'upfirdn2d']
