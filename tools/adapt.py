"""Adapt a trained DAP-FSR model to a target domain from one-shot exemplars (DAMMA, Algorithm 1).

Exemplars as files (K >= 1 HR faces at the decoder's size; LR faces optional,
else made by the config's ``adaptation.degradation``)::

    python tools/adapt.py CONFIG CHECKPOINT --exemplar-hr HR.png [HR2.png ...] [--exemplar-lr LR.png ...]

or drawn by the config's one-shot protocol from a split of its test set::

    python tools/adapt.py CONFIG CHECKPOINT --split A+000E+00 [--exemplar-seed 0] [--num-exemplars K]

Writes the adapted parameters (a small file on top of CHECKPOINT; ``--out``,
default ``WORK_DIR/adapted_parameters.pth``, with ``--split``
``WORK_DIR/<split>_seed<seed>.pth`` as ``tools/test.py --one-shot deltas`` reads
them) and PNG grids of the exemplars and generated pairs. ``--test`` then evaluates
the adapted model as ``tools/test.py CONFIG CHECKPOINT --adapted FILE`` does, on the
config's test set (with ``--split``: that split without the exemplars' subjects).
"""
import argparse
import json
import os.path as osp
import time

from mmengine.config import DictAction
from mmengine.logging import MMLogger
from mmengine.utils import mkdir_or_exist

from dapfsr.adaptation import adapt_and_save, adapted_parameters_path, exemplar_grids, file_exemplars, \
    protocol_exemplars
from dapfsr.apis import init_model
from dapfsr.datasets import protocol_config
from dapfsr.engine import build_runner
from dapfsr.utils import exit_on_user_error, load_config
from dapfsr.utils.fileio import atomic_write
from dapfsr.visualization import save_image_grid


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='One-shot adaptation of a dapfsr model (DAMMA)')
    parser.add_argument('config', help='adaptation config file (with an "adaptation" dict)')
    parser.add_argument('checkpoint', help='source checkpoint of the trained model')
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument('--exemplar-hr', nargs='+', metavar='HR', help='HR exemplar face file(s)')
    source.add_argument('--split', help='target split (condition) to draw exemplars from by the '
                        'one-shot protocol')
    parser.add_argument('--exemplar-lr', nargs='+', metavar='LR',
                        help='LR exemplar file(s), one per HR file; default: degrade the HR faces')
    parser.add_argument('--exemplar-seed', type=int, default=0, help='protocol exemplar seed')
    parser.add_argument('--num-exemplars', type=int, default=1, help='K, exemplars of the protocol')
    parser.add_argument('--out', help='adapted-parameter file (default WORK_DIR/adapted_parameters.pth, '
                        'with --split WORK_DIR/<split>_seed<seed>.pth)')
    parser.add_argument('--work-dir', help='directory for logs, grids and the output')
    parser.add_argument('--seed', type=int, help='seed of the adaptation (default: the config\'s)')
    parser.add_argument('--test', action='store_true', help='evaluate the adapted model afterwards')
    parser.add_argument('--metrics-out', help='with --test: write the metrics to this JSON file')
    parser.add_argument('--no-samples', action='store_true', help='do not write the PNG grids')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value (xxx=yyy format)')
    args = parser.parse_args(argv)
    if args.exemplar_lr and not args.exemplar_hr:
        parser.error('--exemplar-lr needs --exemplar-hr')
    return args


@exit_on_user_error
def main(argv=None):
    args = parse_args(argv)
    for path in [args.checkpoint] + (args.exemplar_hr or []) + (args.exemplar_lr or []):
        if not osp.isfile(path):
            raise FileNotFoundError(f'file not found: {path}')
    cfg = load_config(args.config, args.cfg_options, args.work_dir)
    if 'adaptation' not in cfg:
        raise SystemExit(f'{args.config} has no "adaptation" settings')
    seed = args.seed if args.seed is not None else cfg.get('randomness', {}).get('seed') or 0
    mkdir_or_exist(cfg.work_dir)  # the log beside the outputs; one logger per call (tests call main twice)
    logger = MMLogger.get_instance(f'tools.adapt.{time.time_ns()}', log_file=osp.join(
        cfg.work_dir, f'adapt_{time.strftime("%Y%m%d_%H%M%S")}.log'))
    start = time.perf_counter()
    model = init_model(cfg, args.checkpoint)  # checked against the config, weights only

    if args.exemplar_hr:
        exemplars, record = file_exemplars(args.exemplar_hr, args.exemplar_lr)
        out_file = args.out or osp.join(cfg.work_dir, 'adapted_parameters.pth')
    else:
        target = protocol_config(cfg)['dataset']  # the benchmark's test set
        exemplars, record, task = protocol_exemplars(target, args.split, args.exemplar_seed,
                                                     args.num_exemplars)
        logger.info(f'exemplars of split {task.split}, seed {task.seed}: subjects {list(task.exemplar_subjects)}')
        out_file = args.out or adapted_parameters_path(cfg.work_dir, task)  # what --one-shot deltas reads
        # the test set: the split's faces of the subjects the exemplars do not show
        cfg.test_dataloader.dataset = dict(target, conditions=[args.split], indices=list(task.test_indices))
    adapted, before = adapt_and_save(model, exemplars, cfg.adaptation, out_file, args.checkpoint, record, seed)
    if not args.no_samples:
        for name, rows, titles in exemplar_grids(model, adapted, before):
            save_image_grid(osp.join(cfg.work_dir, f'{name}.png'), rows, titles)
    logger.info(f'tools/adapt.py adapted in {time.perf_counter() - start:.1f} s')

    if args.test:
        cfg.load_from, cfg.adapted_parameters = args.checkpoint, out_file
        metrics = build_runner(cfg).test()
        if args.metrics_out:
            with atomic_write(args.metrics_out) as f:
                json.dump({k: float(v) for k, v in metrics.items()}, f, indent=2)


if __name__ == '__main__':
    main()
