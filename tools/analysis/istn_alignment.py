"""Do the ISTNs undo the random affine? The rotation they recover, against the one applied.

    python tools/analysis/istn_alignment.py CONFIG CHECKPOINT [--num 200] [--split test]

Runs the config's test data (whose pipeline records ``affine``, the rotation
RandomFaceAffine applied) through the encoder, composes the affines of all its
ISTNs into the one map from the last aligned map's coordinates to the input
image's (``affine_grid`` coordinates, so stages of any size compose), and reads
its rotation. A transform that undoes the jitter samples the input rotated by
the applied angle: recovered = slope * applied + offset with slope 1 and a small
residual; slope 0 means the ISTNs do not align. Prints slope, correlation and the
residual std in degrees.
"""
import argparse

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from torch.utils.data import DataLoader

from dapfsr.apis import init_model
from dapfsr.registry import DATASETS


def composed_transform(encoder, lr):
    """(N, 3, h, w) in [-1, 1] -> (N, 3, 3): output -> input coordinates of all ISTNs, composed."""
    x = torch.nn.functional.interpolate(lr, size=(encoder.input_size, ) * 2, mode='bilinear',
                                        align_corners=False)
    x = encoder.backbone.normalize(x)
    total = torch.eye(3).expand(lr.shape[0], 3, 3)
    for i in range(len(encoder.backbone.stage_channels)):
        if str(i) in encoder.istns:
            theta = encoder.istns[str(i)].transform(x)
            step = torch.cat([theta, torch.tensor([0., 0., 1.]).expand(lr.shape[0], 1, 3)], 1)
            total = total @ step  # the earlier warp acts on the coordinates the later one gives
            x = encoder.istns[str(i)](x)
        x = encoder.backbone.forward_stage(i, x)
    return total


def rotation_degrees(matrices):
    """Rotation of the linear part of (N, 3, 3) maps, in degrees, counter-clockwise on screen."""
    # affine_grid's y axis points down, so a screen counter-clockwise turn has a negative angle
    return -torch.rad2deg(torch.atan2(matrices[:, 1, 0] - matrices[:, 0, 1],
                                      matrices[:, 0, 0] + matrices[:, 1, 1]))


def fit(applied, recovered):
    """Least-squares slope and offset, correlation and residual std of recovered on applied."""
    slope, offset = np.polyfit(applied, recovered, 1)
    residual = recovered - (slope * applied + offset)
    return dict(slope=float(slope), offset=float(offset),
                correlation=float(np.corrcoef(applied, recovered)[0, 1]),
                residual_std=float(residual.std()), num=len(applied))


def measure(model, loader):
    applied, recovered = [], []
    with torch.no_grad():
        for batch in loader:
            data = model.data_preprocessor(batch)
            recovered.append(rotation_degrees(composed_transform(model.encoder, data['inputs'])))
            applied += [s.metainfo['affine']['rotation'] for s in data['data_samples']]
    return np.asarray(applied), torch.cat(recovered).numpy()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--num', type=int, default=200, help='faces of the test set (first N)')
    args = parser.parse_args()
    cfg = Config.fromfile(args.config)
    model = init_model(cfg, args.checkpoint)
    if not model.encoder.istns:
        raise SystemExit(f'{args.config}: the encoder has no ISTN (istn_positions=())')
    dataset_cfg = dict(cfg.test_dataloader.dataset, indices=args.num)
    dataset = DATASETS.build(dataset_cfg)
    applied, recovered = measure(model, DataLoader(dataset, batch_size=16, collate_fn=pseudo_collate))
    if np.ptp(applied) == 0:
        raise SystemExit(f'{args.config}: the test pipeline applies no rotation to measure')
    result = fit(applied, recovered)
    print(f'{result["num"]} faces, applied rotation {applied.min():.1f}..{applied.max():.1f} deg: '
          f'recovered = {result["slope"]:.3f} x applied + {result["offset"]:.2f} deg, correlation '
          f'{result["correlation"]:.3f}, residual std {result["residual_std"]:.2f} deg '
          f'(the applied std is {applied.std():.2f} deg)')


if __name__ == '__main__':
    main()
