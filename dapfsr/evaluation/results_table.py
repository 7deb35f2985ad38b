"""Results of a benchmark as the paper reports them: per-split means, then Table 1 shaped Markdown."""
import json

import numpy as np

from dapfsr.utils.fileio import atomic_write

METRIC_ORDER = ('LPIPS', 'FIQ', 'PSNR', 'SSIM', 'IDSim')


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
