"""Look at what a dataset config feeds the model: one PNG grid per split, one face a row.

    python tools/misc/browse_dataset.py configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb.py \
        [--split train val test] [--num 8] [--per-condition] [--out-dir work_dirs/browse]

Each row shows the LR input upsampled with nearest neighbour next to the HR
face (an LR-only or HR-only pipeline shows its one image); the grid is named
``<config>_<split>[_<condition>].png``.
"""
import argparse
import os.path as osp

import numpy as np
from mmengine.config import Config, DictAction

from dapfsr.registry import DATASETS
from dapfsr.visualization import save_image_grid


def parse_args():
    parser = argparse.ArgumentParser(description='Write PNG grids of a config\'s datasets')
    parser.add_argument('config', help='config file with train/val/test dataloaders')
    parser.add_argument('--split', nargs='+', default=['train', 'val', 'test'],
                        choices=['train', 'val', 'test'], help='dataloaders to browse')
    parser.add_argument('--num', type=int, default=8, help='faces per grid')
    parser.add_argument('--per-condition', action='store_true',
                        help='one grid per condition (e.g. per Extended Yale B light direction)')
    parser.add_argument('--out-dir', default='work_dirs/browse', help='where the PNGs go')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value')
    return parser.parse_args()


def face_row(sample):
    """[LR, HR] images of one packed sample, whichever it has."""
    data_sample = sample['data_samples']
    return [data_sample.get(key) for key in ('lr_img', 'gt_img') if key in data_sample]


def column_titles(sample):
    data_sample = sample['data_samples']
    titles = []
    for key, name in (('lr_img', 'LR'), ('gt_img', 'HR')):
        if key in data_sample:
            height, width = data_sample.get(key).shape[-2:]
            titles.append(f'{name} {height}x{width}' + (' nearest' if name == 'LR' else ''))
    return titles


def evenly_spaced(indices, num):
    """``num`` indices spread over ``indices`` (all of them when fewer)."""
    if len(indices) <= num:
        return list(indices)
    return [indices[int(i)] for i in np.linspace(0, len(indices) - 1, num).round()]


def browse(dataset, indices, path, cell=128):
    samples = [dataset[i] for i in indices]
    rows = [face_row(s) for s in samples]
    return save_image_grid(path, rows, column_titles(samples[0]), cell=cell)


def main():
    args = parse_args()
    if not osp.isfile(args.config):
        raise SystemExit(f'config file not found: {args.config}')
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    stem = osp.splitext(osp.basename(args.config))[0]
    for split in args.split:
        loader = cfg.get(f'{split}_dataloader')
        if loader is None:
            print(f'{args.config} has no {split}_dataloader; skipped')
            continue
        dataset = DATASETS.build(loader['dataset'])
        groups = {None: list(range(len(dataset)))}
        if args.per_condition:
            if not hasattr(dataset, 'column'):
                raise SystemExit(f'--per-condition needs a dapfsr face dataset, got {type(dataset).__name__}')
            groups = {}
            for index, condition in enumerate(dataset.column('condition')):
                groups.setdefault(condition, []).append(index)
        for condition, indices in groups.items():
            name = f'{stem}_{split}' + (f'_{condition}' if condition is not None else '')
            path = browse(dataset, evenly_spaced(indices, args.num), osp.join(args.out_dir, f'{name}.png'))
            print(f'{path}: {min(args.num, len(indices))} of {len(indices)} faces')


if __name__ == '__main__':
    main()
