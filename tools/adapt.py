"""Adapt a trained DAP-FSR model to a target domain from one-shot exemplars (DAMMA, Algorithm 1).

Exemplars as files (K >= 1 HR faces at the decoder's size; LR faces optional,
else made by the config's ``adaptation.degradation``)::

    python tools/adapt.py CONFIG CHECKPOINT --exemplar-hr HR.png [HR2.png ...] [--exemplar-lr LR.png ...]

or drawn by the one-shot protocol from a split of the config's ``target_dataset``::

    python tools/adapt.py CONFIG CHECKPOINT --split A+000E+00 [--exemplar-seed 0] [--num-exemplars K]

Writes the adapted parameters (a small file on top of CHECKPOINT; ``--out``,
default ``WORK_DIR/adapted_parameters.pth``, with ``--split``
``WORK_DIR/<split>_seed<seed>.pth`` as ``tools/test.py --one-shot deltas`` reads
them) and PNG grids of the exemplars
and generated pairs. ``--test`` then evaluates the adapted model on the
config's test set (with ``--split``: that split without the exemplars' subjects).
"""
import argparse
import json
import os.path as osp
import time

from mmengine.config import DictAction

from dapfsr.adaptation import DAMMAHook, adapted_parameters_path, one_shot_task
from dapfsr.datasets import protocol_config
from dapfsr.engine import build_runner
from dapfsr.setup_env import register_all_modules
from dapfsr.utils import exit_on_user_error, load_config
from dapfsr.utils.checkpoint import check_checkpoint_for_config
from dapfsr.utils.fileio import atomic_write


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
    register_all_modules()
    cfg = load_config(args.config, args.cfg_options, args.work_dir)
    if 'adaptation' not in cfg:
        raise SystemExit(f'{args.config} has no "adaptation" settings')
    check_checkpoint_for_config(args.checkpoint, cfg)
    cfg.load_from = args.checkpoint
    if args.seed is not None:
        cfg.randomness = dict(cfg.get('randomness', {}), seed=args.seed)

    hook = dict(type='DAMMAHook', out_file=args.out, seed=args.seed, save_samples=not args.no_samples)
    if args.exemplar_hr:
        hook.update(exemplar_hr=args.exemplar_hr, exemplar_lr=args.exemplar_lr)
    else:
        # the benchmark's target data, unless the config names another
        target = protocol_config(cfg)['dataset']
        hook['protocol'] = dict(split=args.split, seed=args.exemplar_seed,
                                num_exemplars=args.num_exemplars, dataset=target)
        _, task = one_shot_task(target, args.split, args.exemplar_seed, args.num_exemplars)
        # the name `tools/test.py --one-shot deltas --deltas WORK_DIR` looks for
        hook['out_file'] = args.out or adapted_parameters_path(cfg.work_dir, task)
        if args.test:  # test on the split's faces of the subjects the exemplars do not show
            cfg.test_dataloader.dataset = dict(target, conditions=[args.split],
                                               indices=list(task.test_indices))
    cfg.custom_hooks = list(cfg.get('custom_hooks', [])) + [hook]

    start = time.perf_counter()
    runner = build_runner(cfg)
    if args.test:
        metrics = runner.test()  # DAMMAHook adapts in before_test
        if args.metrics_out:
            with atomic_write(args.metrics_out) as f:
                json.dump({k: float(v) for k, v in metrics.items()}, f, indent=2)
    else:
        runner.load_or_resume()
        next(h for h in runner.hooks if isinstance(h, DAMMAHook)).adapt(runner)
    runner.logger.info(f'tools/adapt.py finished in {time.perf_counter() - start:.1f} s')


if __name__ == '__main__':
    main()
