"""Train a dapfsr model from a config with mmengine's Runner.

    python tools/train.py configs/dapfsr/dapfsr_paper_100k_celeba.py [--work-dir DIR] [--resume [CKPT]]
"""
import argparse
import os

import torch

from mmengine.config import DictAction

from dapfsr.engine import build_runner
from dapfsr.utils import exit_on_user_error, load_config, setup_cpu_distributed


def parse_args():
    parser = argparse.ArgumentParser(description='Train a dapfsr model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument('--resume', nargs='?', type=str, const='auto',
                        help='resume from the given checkpoint, or from the latest in '
                        'the work dir when no path is given')
    parser.add_argument('--amp', action='store_true', help='enable automatic mixed precision')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value (xxx=yyy format)')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def build_config(args):
    cfg = load_config(args.config, args.cfg_options, args.work_dir)
    cfg.launcher = args.launcher
    if args.launcher == 'pytorch' and not torch.cuda.is_available():
        setup_cpu_distributed(cfg)
    if args.amp:
        # one wrapper, or one per sub-module (the GAN's generator and discriminator)
        wrappers = [w for w in cfg.optim_wrapper.values() if isinstance(w, dict) and 'optimizer' in w] \
            if 'optimizer' not in cfg.optim_wrapper else [cfg.optim_wrapper]
        for wrapper in wrappers:
            if wrapper.get('type', 'OptimWrapper') not in ('OptimWrapper', 'AmpOptimWrapper'):
                raise SystemExit(f'--amp cannot turn {wrapper.type} into an AmpOptimWrapper')
            wrapper.type = 'AmpOptimWrapper'
            wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    return cfg


@exit_on_user_error
def main():
    args = parse_args()
    runner = build_runner(build_config(args))
    runner.train()


if __name__ == '__main__':
    main()
