"""Evaluate a dapfsr model.

Plain test set (mmengine Runner)::

    python tools/test.py CONFIG CHECKPOINT [--adapted DELTA] [--out metrics.json]

The one-shot benchmark of the config's ``one_shot_protocol`` (splits x exemplar
seeds, averaged as in sec. 5.1), source-only, adapted per task by DAMMA, or
with per-task adapted parameters saved by tools/adapt.py::

    python tools/test.py CONFIG CHECKPOINT --one-shot {source_only,adapt,deltas} \
        [--deltas DIR] [--max-tasks N] [--name ROW] [--out results/table] [--unrefined-row]

writes ``<out>.md`` (a Table 1 style row) and ``<out>.json`` plus result grids
(LR / bicubic / output / ground truth) per split in the work dir; with
``--unrefined-row`` a model with a refiner gives both variants of its row from one
adaptation per task: refined, and as the model draws it (the paper's). Both are
``Runner.test()``: ``--one-shot`` selects :class:`dapfsr.engine.OneShotTestLoop`,
as ``test_cfg = dict(type='OneShotTestLoop', mode=...)`` in a config does.
"""
import argparse
import json
import os

import torch
from mmengine.config import DictAction

from dapfsr.datasets.protocol import check_protocol_splits
from dapfsr.engine import build_runner
from dapfsr.utils import exit_on_user_error, load_config, setup_cpu_distributed
from dapfsr.utils.checkpoint import check_checkpoint_for_config
from dapfsr.utils.fileio import atomic_write
from dapfsr.utils.user_errors import check_config_types, check_output_file, require_file, require_folder


ONE_SHOT_HELP = """\
--one-shot modes (each task: one split of the config's one_shot_protocol and one
exemplar seed, its exemplars' subjects left out of its test faces):
  source_only  the source model (CHECKPOINT) on each task's test faces, no adaptation
  adapt        adapt a fresh copy of the source model per task from the task's
               exemplars by the config's "adaptation" (DAMMA, ...), then test it
  deltas       load the per-task adapted parameters saved by tools/adapt.py --split
               (DIR/<split>_seed<k>.pth, --deltas DIR) on top of CHECKPOINT, then test
"""


def parse_args():
    parser = argparse.ArgumentParser(description='Test (evaluate) a dapfsr model',
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=ONE_SHOT_HELP)
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', nargs='?',
                        help='checkpoint file (none for parameter-free baselines such as bicubic)')
    parser.add_argument('--adapted', help='adapted parameters (tools/adapt.py) on top of CHECKPOINT')
    parser.add_argument('--one-shot', choices=['source_only', 'adapt', 'deltas'],
                        help='run the one-shot benchmark of the config\'s one_shot_protocol, '
                        'one task per split and exemplar seed (the modes: below)')
    parser.add_argument('--deltas', help='with --one-shot deltas: folder of <split>_seed<k>.pth')
    parser.add_argument('--max-tasks', type=int, help='evaluate only the first N tasks')
    parser.add_argument('--unrefined-row', action='store_true',
                        help='with --one-shot and a model with a refiner: also evaluate its unrefined '
                             'outputs after the same adaptation, as a second row "<name>, unrefined"')
    parser.add_argument('--name', help='row name in the results table (default: config name)')
    parser.add_argument('--work-dir', help='the dir to save logs and results')
    parser.add_argument('--out', help='metrics file: JSON (plain test) or path stem of .md/.json')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value (xxx=yyy format)')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_intermixed_args()  # CHECKPOINT may follow options (tools/dist_test.sh)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    if args.one_shot == 'deltas' and not args.deltas:
        parser.error('--one-shot deltas needs --deltas DIR')
    return args


@exit_on_user_error
def main():
    args = parse_args()
    cfg = load_config(args.config, args.cfg_options, args.work_dir)
    check_config_types(cfg)
    for path, kind in ((args.checkpoint, 'checkpoint'), (args.adapted, 'adapted-parameter file')):
        if path:
            require_file(path, kind)  # every input file, before anything is built
    if args.deltas:
        require_folder(args.deltas, 'folder of adapted-parameter files (--deltas)')
    if args.out:  # the metrics file (one-shot: <out>.md and <out>.json) is none of the inputs
        inputs = [('CONFIG', args.config), ('CHECKPOINT', args.checkpoint), ('--adapted', args.adapted)]
        for out in ([args.out + '.md', args.out + '.json'] if args.one_shot else [args.out]):
            check_output_file(out, inputs, '--out')
    if args.one_shot:
        cfg.test_cfg = dict(type='OneShotTestLoop', mode=args.one_shot, deltas_dir=args.deltas,
                            max_tasks=args.max_tasks, name=args.name, out=args.out,
                            unrefined_row=args.unrefined_row)
    if (cfg.get('test_cfg') or {}).get('type') == 'OneShotTestLoop':
        check_protocol_splits(cfg)
    cfg.launcher = args.launcher
    if args.launcher == 'pytorch' and not torch.cuda.is_available():
        setup_cpu_distributed(cfg)
    if args.checkpoint:
        check_checkpoint_for_config(args.checkpoint, cfg)
    cfg.load_from = args.checkpoint
    cfg.adapted_parameters = args.adapted  # applied on top of the checkpoint (DapfsrRunner)
    metrics = build_runner(cfg).test()
    if args.out and not args.one_shot:  # the one-shot loop writes its own results
        with atomic_write(args.out) as f:
            json.dump({k: float(v) for k, v in metrics.items()}, f, indent=2)


if __name__ == '__main__':
    main()
