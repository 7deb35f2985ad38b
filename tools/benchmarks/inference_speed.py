"""Encoder + decoder inference speed of DAP-FSR (faces per second), CPU by default.

    python tools/benchmarks/inference_speed.py [--configs ...] [--batch-sizes 1 16]
        [--threads 2] [--iters 10] [--device cpu|cuda]

Builds each config's DAPFSR with randomly initialised weights (speed does not
depend on the values, and no ImageNet or decoder file is needed) and times
``model(lr, mode='tensor')``: LR faces -> encoder -> Eq. 2 -> decoder.
The perceptual extractor plays no part in inference; it is replaced by a
one-layer random one so that building needs no ImageNet weights.
"""
import argparse
import time

import torch
from mmengine.config import Config

from dapfsr.registry import MODELS
from dapfsr.setup_env import register_all_modules

DEFAULT_CONFIGS = ['configs/dapfsr/dapfsr_small_17k_celeba-hq.py', 'configs/dapfsr/dapfsr_paper_100k_celeba.py']


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--configs', nargs='+', default=DEFAULT_CONFIGS)
    parser.add_argument('--batch-sizes', nargs='+', type=int, default=[1, 16])
    parser.add_argument('--threads', type=int, default=2, help='torch CPU threads')
    parser.add_argument('--iters', type=int, default=10, help='timed forward passes')
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--device', default='cpu')
    return parser.parse_args()


def build_random_model(config):
    cfg = Config.fromfile(config)
    model_cfg = cfg.model.to_dict() if hasattr(cfg.model, 'to_dict') else dict(cfg.model)
    model_cfg['perceptual'] = dict(type='VGG19Features', layers=('relu1_1', ),
                                   allow_random_weights=True)
    model_cfg.pop('perceptual_layer_weights', None)
    model = MODELS.build(model_cfg).eval()  # no init_weights: nothing is loaded
    return model, int(cfg.get('scale_lr', 16))


@torch.no_grad()
def faces_per_second(model, lr_size, batch_size, iters, warmup, device):
    lr = torch.rand(batch_size, 3, lr_size, lr_size, device=device) * 2 - 1
    for _ in range(warmup):
        model(lr, mode='tensor')
    synchronize = torch.cuda.synchronize if lr.is_cuda else (lambda: None)
    synchronize()
    start = time.perf_counter()
    for _ in range(iters):
        sr = model(lr, mode='tensor')
    synchronize()
    elapsed = time.perf_counter() - start
    return batch_size * iters / elapsed, tuple(sr.shape[-2:])


def main():
    args = parse_args()
    register_all_modules()
    torch.set_num_threads(args.threads)
    where = (torch.cuda.get_device_name(args.device) if args.device.startswith('cuda')
             else f'CPU, {args.threads} threads')
    print(f'DAP-FSR inference speed on {where}, torch {torch.__version__}, float32; '
          'randomly initialised weights (timing only, outputs are not faces)')
    for config in args.configs:
        model, lr_size = build_random_model(config)
        model.to(args.device)
        params = sum(p.numel() for p in model.encoder.parameters()) / 1e6
        dec_params = sum(p.numel() for p in model.decoder.parameters()) / 1e6
        print(f'{config}: encoder {params:.1f} M parameters, decoder {dec_params:.1f} M')
        for batch_size in args.batch_sizes:
            rate, hr = faces_per_second(model, lr_size, batch_size, args.iters,
                                        args.warmup, args.device)
            print(f'  batch {batch_size:3d}: {lr_size}x{lr_size} -> {hr[0]}x{hr[1]}  '
                  f'{rate:8.1f} faces/s  ({1000 * batch_size / rate:.1f} ms per batch)')


if __name__ == '__main__':
    main()
