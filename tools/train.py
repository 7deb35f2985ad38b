"""Train a dapfsr model from a config with mmengine's Runner.

    python tools/train.py configs/dapfsr/celeba.py [--work-dir DIR] [--resume [CKPT]]
"""
import argparse
import os
import os.path as osp

import torch

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from dapfsr.utils import setup_cpu_distributed



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
    if not osp.isfile(args.config):
        raise SystemExit(f'config file not found: {args.config}')
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
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


def main():
    args = parse_args()
    runner = Runner.from_cfg(build_config(args))
    runner.train()


if __name__ == '__main__':
    main()
