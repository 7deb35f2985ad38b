"""Convert an mmagic or rosinality StyleGAN2 generator checkpoint to a dapfsr decoder checkpoint.

    python tools/model_converters/stylegan2_to_dapfsr.py SRC DST [--prefix generator_ema] \
        [--source auto] [--lr-mlp 0.01] [--num-samples 10000]

SRC: an mmagic checkpoint (``state_dict`` with ``generator_ema.``; the EMA
generator is taken unless ``--prefix`` says otherwise) or a rosinality one
(``g_ema``). DST gets ``dict(state_dict=<StyleGANDecoder keys>,
meta=dict(decoder_cfg=..., source=...))``: the architecture read off the
weights and mu_w / sigma_w (Eq. 2) computed from the mapping network, so the
encoder stage loads it with weights_only=True and no further arguments.
"""
import argparse
import os
import os.path as osp

import torch

from dapfsr.models.editors.stylegan2 import (StyleGANDecoder, convert_stylegan2_state_dict,
                                    detect_stylegan2_layout, infer_decoder_config,
                                    read_stylegan2_checkpoint, select_generator_state)
from dapfsr.models.editors.stylegan2.stylegan2_checkpoint import LATENT_STATISTICS
from dapfsr.utils import exit_on_user_error
from dapfsr.utils.checkpoint import load_state_dict_checked


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='StyleGAN2 (mmagic / rosinality) -> dapfsr decoder')
    parser.add_argument('src', help='mmagic or rosinality checkpoint')
    parser.add_argument('dst', help='output .pth')
    parser.add_argument('--prefix', help='key prefix of the generator (default: g_ema / generator_ema)')
    parser.add_argument('--source', default='auto', choices=['auto', 'mmagic', 'rosinality', 'dapfsr'])
    parser.add_argument('--lr-mlp', type=float, default=0.01,
                        help='mapping lr multiplier the weights were trained with')
    parser.add_argument('--num-samples', type=int, default=10000,
                        help='z samples for mu_w and sigma_w')
    return parser.parse_args(argv)


def convert(args):
    state = select_generator_state(read_stylegan2_checkpoint(args.src), args.prefix)
    source = detect_stylegan2_layout(state) if args.source == 'auto' else args.source
    state = convert_stylegan2_state_dict(state, source)
    cfg = dict(infer_decoder_config(state), lr_mlp=args.lr_mlp)
    decoder = StyleGANDecoder(**cfg)
    # mu_w / sigma_w are not in a release: computed below, with --num-samples
    load_state_dict_checked(decoder, state, args.src, allow_missing=LATENT_STATISTICS)
    decoder.update_latent_statistics(args.num_samples, generator=torch.Generator().manual_seed(0))
    os.makedirs(osp.dirname(osp.abspath(args.dst)), exist_ok=True)
    torch.save(dict(state_dict=decoder.state_dict(),
                    meta=dict(decoder_cfg=cfg, source=source, src=osp.basename(args.src),
                              latent_statistics_samples=args.num_samples)), args.dst)
    return cfg


@exit_on_user_error
def main(argv=None):
    args = parse_args(argv)
    cfg = convert(args)
    print(f'{args.src} -> {args.dst}: StyleGANDecoder({cfg})')


if __name__ == '__main__':
    main()
