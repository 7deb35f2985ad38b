"""Decoder (StyleGANDecoder) inference speed: images per second, paper and small profiles.

    python tools/benchmarks/decoder_speed.py [--device cpu] [--batch-sizes 1 16] [--repeats 3]

Random weights (speed does not depend on them), W+ input as the encoder gives
it, fixed noise maps, no gradients. Set OMP_NUM_THREADS to the cores to use.
"""
import argparse
import os.path as osp
import time

import torch
from mmengine.config import Config

import dapfsr  # noqa: F401
from dapfsr.registry import MODELS

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PROFILES = {'paper (128 px)': 'configs/_base_/models/stylegan2_paper.py',
            'small (64 px)': 'configs/_base_/models/stylegan2_small.py'}


@torch.no_grad()
def images_per_second(decoder, batch_size, repeats, device):
    w = decoder.sample_source_latents(batch_size)
    decoder(w, input_is_latent=True, randomize_noise=False)  # warm-up
    if device.type == 'cuda':
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(repeats):
        decoder(w, input_is_latent=True, randomize_noise=False)
    if device.type == 'cuda':
        torch.cuda.synchronize()
    return batch_size * repeats / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--batch-sizes', type=int, nargs='+', default=[1, 16])
    parser.add_argument('--repeats', type=int, default=3)
    args = parser.parse_args()
    device = torch.device(args.device)
    print(f'StyleGANDecoder, random weights, W+ input, device {device}, '
          f'{torch.get_num_threads()} threads')
    for name, path in PROFILES.items():
        cfg = Config.fromfile(osp.join(REPO, path)).model.generator
        decoder = MODELS.build(cfg).to(device).eval()
        params = sum(p.numel() for p in decoder.parameters()) / 1e6
        for batch_size in args.batch_sizes:
            speed = images_per_second(decoder, batch_size, args.repeats, device)
            print(f'{name:15s} {params:6.2f} M params  batch {batch_size:3d}: {speed:8.2f} images/s')


if __name__ == '__main__':
    main()
