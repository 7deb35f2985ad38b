"""The one-shot benchmark of sec. 5.1-5.2: every (split, exemplar seed) task, averaged.

For each task of the config's ``one_shot_protocol`` the model is evaluated on
that task's test faces (the split without the exemplars' subjects), either as
trained ("source only"), or after adapting to the task's exemplars
(``adaptation`` in the config), or with adapted parameters saved earlier by
``tools/adapt.py``. Metrics are averaged over the tasks of a split, then over
splits, as the paper reports them.
"""
import copy
import json
import os
import os.path as osp

import numpy as np
import torch
from mmengine.dataset import pseudo_collate
from mmengine.evaluator import Evaluator
from mmengine.logging import print_log
from torch.utils.data import DataLoader

from dapfsr.registry import DATASETS, METRICS, MODELS
from dapfsr.utils.fileio import atomic_write
from dapfsr.visualization import save_image_grid, sr_grid_rows

METRIC_ORDER = ('LPIPS', 'FIQ', 'PSNR', 'SSIM', 'IDSim')


def adapted_parameters_path(deltas_dir, task):
    """Where ``tools/adapt.py --split S --exemplar-seed K`` results are looked for."""
    return osp.join(deltas_dir, f'{task.split}_seed{task.seed}.pth')


def evaluate_task(model, dataset, metrics, batch_size=16):
    """Metrics of ``model`` on ``dataset``; also returns the first batch's predictions."""
    evaluator = Evaluator([METRICS.build(m) if isinstance(m, dict) else m for m in metrics])
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=False, collate_fn=pseudo_collate)
    first = None
    with torch.no_grad():
        for batch in loader:
            outputs = model.test_step(batch)
            evaluator.process(data_samples=outputs, data_batch=batch)
            first = first or (batch, outputs)
    return evaluator.evaluate(len(dataset)), first


def run_one_shot_benchmark(model, cfg, mode='source_only', deltas_dir=None, work_dir=None,
                           max_tasks=None, batch_size=16):
    """Evaluate ``model`` on every task of ``cfg.one_shot_protocol``.

    Args:
        model: A model whose ``test_step`` fills ``pred_img`` (DAP-FSR or a baseline).
        cfg (Config): With ``one_shot_protocol`` and ``test_evaluator`` (metric
            configs); ``adaptation`` too for ``mode='adapt'``.
        mode (str): ``'source_only'``, ``'adapt'`` (DAMMA per task) or
            ``'deltas'`` (load ``deltas_dir/<split>_seed<k>.pth`` per task).
        work_dir (str, optional): Writes a result grid per split there.
        max_tasks (int, optional): Evaluate only the first tasks (quick runs).

    Returns:
        dict: ``tasks`` (one record per task), ``splits`` (per-split means)
        and ``mean`` (mean over splits) of each metric.
    """
    from dapfsr.adaptation import exemplars_from_samples, load_adapted_parameters
    if mode not in ('source_only', 'adapt', 'deltas'):
        raise ValueError(f'mode must be source_only, adapt or deltas, got {mode!r}')
    protocol = DATASETS.build(cfg.one_shot_protocol)
    metrics = metric_configs(cfg.test_evaluator)
    source_state = copy.deepcopy(model.state_dict()) if mode != 'source_only' else None
    tasks = protocol.tasks()[:max_tasks]
    records, grid_rows = [], {}
    for number, task in enumerate(tasks, 1):
        first_split_task = task.split not in grid_rows
        test_set = protocol.test_dataset(task)
        exemplars = source_outputs = None
        if mode != 'source_only':
            model.load_state_dict(source_state)
            exemplars = protocol.exemplars(task)
            if first_split_task:  # the grid shows the same faces before and after adaptation
                model.eval()
                source_outputs = model.test_step(
                    pseudo_collate([test_set[i] for i in range(min(4, len(test_set)))]))
        if mode == 'adapt':
            damma = MODELS.build(cfg.adaptation)
            damma.run(model, exemplars_from_samples(model, exemplars), seed=task.seed)
        elif mode == 'deltas':
            load_adapted_parameters(model, adapted_parameters_path(deltas_dir, task))
        model.eval()
        result, (batch, outputs) = evaluate_task(model, test_set, metrics, batch_size)
        records.append(dict(split=task.split, seed=task.seed, exemplars=list(task.exemplar_subjects),
                            num_test=len(task.test_indices), **result))
        print_log(f'[{number}/{len(tasks)}] {task.split} seed {task.seed}: ' +
                  '  '.join(f'{k} {v:.4f}' for k, v in result.items()), logger='current')
        if first_split_task:
            outputs = outputs[:4]
            columns = [[s.pred_img for s in outputs]]
            leading = ()
            if source_outputs is not None:
                columns.insert(0, [s.pred_img for s in source_outputs])
                leading = (exemplars[0]['data_samples'].gt_img, )
            grid_rows[task.split] = sr_grid_rows(batch['inputs'][:4], [s.gt_img for s in outputs],
                                                 columns, leading)
    if source_state is not None:
        model.load_state_dict(source_state)
    summary = summarize(records)
    if work_dir:
        os.makedirs(work_dir, exist_ok=True)
        titles = ['LR', 'bicubic', mode.replace('_', ' '), 'ground truth']
        if mode != 'source_only':
            titles = ['exemplar HR'] + titles[:2] + ['source only'] + titles[2:]
        for split, rows in grid_rows.items():
            save_image_grid(osp.join(work_dir, f'grid_{mode}_{split}.png'), rows, titles)
    return summary


def summarize(records):
    """Per-split means over seeds, then the mean over splits (the paper's averaging)."""
    keys = [k for k in records[0] if isinstance(records[0][k], float)]
    splits = {}
    for split in dict.fromkeys(r['split'] for r in records):
        rows = [r for r in records if r['split'] == split]
        splits[split] = {k: float(np.mean([r[k] for r in rows])) for k in keys}
    mean = {k: float(np.mean([s[k] for s in splits.values()])) for k in keys}
    return dict(tasks=records, splits=splits, mean=mean)


def metric_configs(evaluator_cfg):
    """The metric configs of a ``test_evaluator``: a list, an Evaluator dict, or one metric."""
    if isinstance(evaluator_cfg, (list, tuple)):
        return list(evaluator_cfg)
    return list(evaluator_cfg.get('metrics', [evaluator_cfg]))


def configured_metrics(evaluator_cfg):
    """The metric names (``type``) of a ``test_evaluator`` config."""
    return [m['type'] for m in metric_configs(evaluator_cfg)]


def metric_columns(rows, expected=()):
    """The metric keys present in any row or ``expected``, in Table 1's order, prefixes ignored."""
    present = {k for r in rows.values() for k in r} | set(expected)
    ordered = [k for name in METRIC_ORDER for k in sorted(present) if k.split('/')[-1] == name]
    return ordered + sorted(present - set(ordered))


def results_table(rows, title, expected=()):
    """A Markdown table in the shape of Table 1: one row per method, metrics as columns.

    Args:
        rows (dict[str, dict]): Method name -> its mean metrics.
        title (str): The benchmark, e.g. ``'CelebA-HQ -> Extended Yale B'``.
        expected (Sequence[str]): Metrics configured, shown even where none was computed.
    Metrics a row lacks (e.g. LPIPS without its weights) show as "n/c" (not computed).
    """
    columns = metric_columns(rows, expected)
    arrows = {'LPIPS': ' ↓'}
    header = [f'{title}'] + [c.split('/')[-1] + arrows.get(c.split('/')[-1], ' ↑') for c in columns]
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    for name, metrics in rows.items():
        cells = [f'{metrics[c]:.2f}' if c.endswith('PSNR') and c in metrics else
                 f'{metrics[c]:.3f}' if c in metrics else 'n/c' for c in columns]
        lines.append('| ' + ' | '.join([name] + cells) + ' |')
    return '\n'.join(lines) + '\n'


def write_results(path_stem, rows, title, details=None, expected=()):
    """Write ``<stem>.md`` (the table) and ``<stem>.json`` (table rows and per-task details)."""
    with atomic_write(path_stem + '.md') as f:
        f.write(results_table(rows, title, expected))
    with atomic_write(path_stem + '.json') as f:
        json.dump(dict(title=title, rows=rows, expected=list(expected), details=details or {}), f,
                  indent=2)
    return path_stem + '.md', path_stem + '.json'
