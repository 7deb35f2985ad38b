"""Adapt a trained DAP-FSR model to a target domain from one-shot exemplars (DAMMA, Algorithm 1).

Exemplars as files (K >= 1 HR faces at the decoder's size, a file of another size
being cut and resized as the config's test faces are; LR faces optional, else made
by the config's ``adaptation.degradation``)::

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
import sys
import time

from mmengine.config import DictAction
from mmengine.logging import MMLogger
from mmengine.utils import mkdir_or_exist

from dapfsr.adaptation import adapt_and_save, adapted_parameters_path, exemplar_grids, file_exemplars, \
    protocol_exemplars
from dapfsr.adaptation.exemplars import config_face_sizes, describe_crop
from dapfsr.apis import init_model
from dapfsr.datasets import protocol_config
from dapfsr.datasets.protocol import check_protocol_splits
from dapfsr.datasets.transforms import read_image
from dapfsr.engine import build_runner
from dapfsr.utils import exit_on_user_error, load_config
from dapfsr.utils.config import read_config
from dapfsr.utils.fileio import atomic_write
from dapfsr.utils.user_errors import InputError, check_config_types, check_output_file, require_file
from dapfsr.visualization import save_image_grid


def exemplar_hr_help(argv):
    """--exemplar-hr's help; with -h after a config file, the HR size of its model."""
    config = next((a for a in argv if not a.startswith('-')), None)
    crop = size = None
    if ('-h' in argv or '--help' in argv) and config:
        try:
            crop, size = config_face_sizes(read_config(config))
        except Exception:  # noqa: BLE001 a missing or broken config: the generic help
            size = None
    if isinstance(size, int):
        need, how = f'{size}x{size} for the model of {config}', f'{describe_crop(crop or {})} -> {size} px'
    else:
        need = ('at the HR size of the config\'s model (its test faces: 64x64 for the small profile, '
                '128x128 for the paper\'s)')
        how = 'the whole frame -> 128 px -> the HR size'
    return (f'HR exemplar face file(s): {need}; a file of another size is cut and resized as the '
            f'config\'s test faces are ({how}, MATLAB bicubic)')


def parse_args(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(description='One-shot adaptation of a dapfsr model (DAMMA)')
    parser.add_argument('config', help='adaptation config file (with an "adaptation" dict)')
    parser.add_argument('checkpoint', help='source checkpoint of the trained model')
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument('--exemplar-hr', nargs='+', metavar='HR', help=exemplar_hr_help(argv))
    source.add_argument('--split', help='target split (condition) to draw exemplars from by the '
                        'one-shot protocol: one of the config\'s splits (one_shot_protocol.splits, else '
                        'the test set\'s conditions)')
    parser.add_argument('--exemplar-lr', nargs='+', metavar='LR',
                        help='LR exemplar file(s), one per HR file (another size than the model\'s LR '
                        'faces: resized to it); default: degrade the HR faces')
    parser.add_argument('--exemplar-seed', type=int, default=0, help='protocol exemplar seed')
    parser.add_argument('--num-exemplars', type=int, default=1, help='K, exemplars of the protocol')
    parser.add_argument('--out', help='adapted-parameter file (default WORK_DIR/adapted_parameters.pth, '
                        'with --split WORK_DIR/<split>_seed<seed>.pth); replaced if it exists, '
                        'never one of the inputs')
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
    if args.exemplar_lr and len(args.exemplar_lr) != len(args.exemplar_hr):
        parser.error(f'{len(args.exemplar_hr)} --exemplar-hr files but {len(args.exemplar_lr)} '
                     '--exemplar-lr files: give one LR file per HR file, in the same order, or none')
    for flag, path, others in (('--out', args.out, []), ('--metrics-out', args.metrics_out, [('--out', args.out)])):
        if path:
            try:
                check_output_file(path, input_files(args) + others, flag)
            except InputError as err:
                parser.error(str(err))
    return args


def input_files(args):
    """``(name, path)`` of every file the tool reads: no output may be one of them."""
    return [('CONFIG', args.config), ('CHECKPOINT', args.checkpoint),
            *[('an --exemplar-hr file', p) for p in args.exemplar_hr or []],
            *[('an --exemplar-lr file', p) for p in args.exemplar_lr or []]]


def check_exemplar_file(path, role):
    """Refuse a missing or undecodable exemplar file before the model is built."""
    require_file(path, f'exemplar {role} file')
    try:
        read_image(path)
    except ValueError as err:
        reason = str(err).split(f'{path}: ', 1)[-1]
        raise InputError(f'exemplar {role} file {path} is not an image that can be read: {reason}') from None


@exit_on_user_error
def main(argv=None):
    args = parse_args(argv)
    require_file(args.checkpoint, 'checkpoint')
    for role, paths in (('HR', args.exemplar_hr), ('LR', args.exemplar_lr)):
        for path in paths or []:
            check_exemplar_file(path, role)
    cfg = load_config(args.config, args.cfg_options, args.work_dir)
    check_config_types(cfg)
    if 'adaptation' not in cfg:
        raise InputError(f'{args.config} has no "adaptation" settings')
    if args.split is not None:
        check_protocol_splits(cfg, args.split)
    seed = args.seed if args.seed is not None else cfg.get('randomness', {}).get('seed') or 0
    mkdir_or_exist(cfg.work_dir)  # the log beside the outputs; one logger per call (tests call main twice)
    logger = MMLogger.get_instance(f'tools.adapt.{time.time_ns()}', log_file=osp.join(
        cfg.work_dir, f'adapt_{time.strftime("%Y%m%d_%H%M%S")}.log'))
    start = time.perf_counter()
    model = init_model(cfg, args.checkpoint)  # checked against the config, weights only

    if args.exemplar_hr:
        crop = config_face_sizes(cfg)[0] or dict(size=model.hr_size)  # files of another size: made so
        exemplars, record = file_exemplars(args.exemplar_hr, args.exemplar_lr, crop)
        out_file = args.out or osp.join(cfg.work_dir, 'adapted_parameters.pth')
    else:
        target = protocol_config(cfg)['dataset']  # the benchmark's test set
        exemplars, record, task = protocol_exemplars(target, args.split, args.exemplar_seed,
                                                     args.num_exemplars)
        logger.info(f'exemplars of split {task.split}, seed {task.seed}: subjects {list(task.exemplar_subjects)}')
        out_file = args.out or adapted_parameters_path(cfg.work_dir, task)  # what --one-shot deltas reads
        # the test set: the split's faces of the subjects the exemplars do not show
        cfg.test_dataloader.dataset = dict(target, conditions=[args.split], indices=list(task.test_indices))
    check_output_file(out_file, input_files(args), 'the adapted-parameter file')  # the default one too
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
