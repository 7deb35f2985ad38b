"""Draw a grid of faces from a StyleGAN2 decoder checkpoint, one block of rows per truncation.

    python tools/misc/sample_decoder.py checkpoints/stylegan2_small_celebahq64.pth \
        [--prefix decoder] [--num 32] [--columns 8] [--truncation 1 0.7] [--seed 0] \
        [--out work_dirs/decoder_samples.png]

Takes a dapfsr, mmagic or rosinality checkpoint (the bare published decoder, a
StyleGAN2 training checkpoint, or with ``--prefix decoder`` a DAP-FSR one); the
architecture is read off the weights. Every truncation value draws the same z
and the same noise maps, so the blocks differ only by psi (w = mu_w + psi (w - mu_w)).
"""
import argparse

import torch

from dapfsr.models.editors.stylegan2 import build_decoder_from_checkpoint as build_decoder
from dapfsr.visualization import save_image_grid


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Sample grid of a StyleGAN2 decoder checkpoint')
    parser.add_argument('checkpoint', help='dapfsr, mmagic or rosinality checkpoint')
    parser.add_argument('--prefix', help='key prefix of the generator (default: g_ema / '
                        'generator_ema / none); "decoder" for a DAP-FSR checkpoint')
    parser.add_argument('--num', type=int, default=32, help='faces per truncation value')
    parser.add_argument('--columns', type=int, default=8, help='faces per grid row')
    parser.add_argument('--truncation', type=float, nargs='+', default=[1.0, 0.7],
                        help='psi values, one block of rows each')
    parser.add_argument('--seed', type=int, default=0, help='seed of z and the noise maps')
    parser.add_argument('--out', default='work_dirs/decoder_samples.png', help='PNG path')
    args = parser.parse_args(argv)
    if args.num < 1 or args.columns < 1 or args.num % args.columns:
        parser.error(f'--num ({args.num}) must be a positive multiple of --columns ({args.columns})')
    return args


@torch.no_grad()
def sample_rows(decoder, num, columns, truncations, seed=0):
    """Rows of faces in [0, 1]: ``num / columns`` rows per psi, same z and noise for every psi."""
    rng = torch.Generator().manual_seed(seed)
    z = torch.randn(num, decoder.style_channels, generator=rng)
    noise = decoder.make_injected_noise(num, generator=rng)
    rows = []
    for psi in truncations:
        faces = ((decoder(z, injected_noise=noise, truncation=psi).clamp(-1, 1) + 1) / 2)
        rows += [list(faces[i:i + columns]) for i in range(0, num, columns)]
    return rows


def main(argv=None):
    args = parse_args(argv)
    decoder = build_decoder(args.checkpoint, args.prefix)
    rows = sample_rows(decoder, args.num, args.columns, args.truncation, args.seed)
    save_image_grid(args.out, rows, cell=decoder.out_size)
    print(f'{args.checkpoint}: {decoder.out_size} px decoder, {args.num} faces x psi '
          f'{args.truncation} -> {args.out}')
    return args.out


if __name__ == '__main__':
    main()
