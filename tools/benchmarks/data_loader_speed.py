"""Training data loader speed of a config: faces per second, as the Runner loads them.

    python tools/benchmarks/data_loader_speed.py CONFIG [--workers 4] [--batches 20]

Builds the config's ``train_dataloader`` (its dataset, pipeline, sampler and batch
size; ``--workers`` replaces its worker count) and times ``--batches`` batches after
the first. A GPU trains the small decoder at about 270 faces/s (0.06 s per batch of
16), so its loader must deliver more than that.
"""
import argparse
import time

from mmengine.config import Config
from mmengine.runner import Runner

from dapfsr.setup_env import register_all_modules


def main():
    parser = argparse.ArgumentParser(description='faces/s of a config\'s training data loader')
    parser.add_argument('config')
    parser.add_argument('--workers', type=int, help='loader worker processes (default: the config\'s)')
    parser.add_argument('--batches', type=int, default=20, help='batches to time')
    args = parser.parse_args()
    register_all_modules()
    cfg = Config.fromfile(args.config)
    if cfg.get('train_dataloader') is None:
        raise SystemExit(f'{args.config} has no train_dataloader')
    loader_cfg = cfg.train_dataloader
    if args.workers is not None:
        loader_cfg.num_workers = args.workers
        loader_cfg.persistent_workers = args.workers > 0
    loader = Runner.build_dataloader(loader_cfg, seed=0)
    batches = iter(loader)
    next(batches)  # workers start
    start = time.perf_counter()
    faces = sum(len(next(batches)['inputs']) for _ in range(args.batches))
    elapsed = time.perf_counter() - start
    print(f'{args.config}: {faces / elapsed:.0f} faces/s ({loader_cfg.num_workers} workers, '
          f'batch {loader_cfg.batch_size}, {args.batches} batches in {elapsed:.1f} s)')


if __name__ == '__main__':
    main()
