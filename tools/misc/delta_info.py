"""What an adapted-parameter file (``tools/adapt.py``'s delta) holds, without a model.

    python tools/misc/delta_info.py work_dirs/adapt/adapted_parameters.pth [--json]

Prints the file's size, the source checkpoint it was adapted from (path as recorded,
SHA-256, and whether the file at that path is still the same), the modules whose state
it was adapted on (e.g. the decoder, which a DAP-FSR checkpoint does not hold) with the
SHA-256 of that state, which loading checks, the target domain and
exemplar where the meta records them, the adaptation schedule (the adaptation config
kept as text in the meta: method, outer x inner iterations, batch size, learning rates),
and the adapted tensors (count, values, by module). ``--json`` prints the same as one
JSON object. Exit status 1 with a one-line error for a file that is not such a file, or
one that is damaged or of a format version this code does not read.
"""
import argparse
import ast
import json
import os
import os.path as osp
import sys
from collections import OrderedDict

from dapfsr.adaptation.delta import file_sha256, read_adapted_parameters
from dapfsr.utils import CheckpointError

# meta keys a delta may carry about its target (written by newer versions of adapt.py)
DOMAIN_KEYS = ('domain', 'target_domain', 'dataset', 'split', 'condition')
EXEMPLAR_KEYS = ('exemplar', 'exemplars', 'exemplar_hr', 'exemplar_lr', 'exemplar_seed', 'seed',
                 'exemplar_subjects')
# adaptation config keys that are no part of its schedule
NOT_SCHEDULE = ('degradation', 'log_interval')


def parse_adaptation(text):
    """The adaptation config kept as text in the meta: a dict where it parses, else None."""
    if not text:
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def module_of(key, depth=2):
    return '.'.join(key.split('.')[:depth])


def describe(path):
    """Everything :func:`main` prints, as a dict."""
    state, meta = read_adapted_parameters(path)
    source = meta.get('source_checkpoint', '')
    if source and osp.isfile(source):
        source_state = ('same file' if file_sha256(source) == meta.get('source_sha256')
                        else 'CHANGED: its SHA-256 differs, --adapted will refuse it')
    else:
        source_state = 'not found at that path'
    groups = OrderedDict()
    for key in sorted(state):
        count, values = groups.get(module_of(key), (0, 0))
        groups[module_of(key)] = (count + 1, values + state[key].numel())
    adaptation = parse_adaptation(meta.get('adaptation', ''))
    schedule = None
    if adaptation is not None:  # scalars as they are, sub-configs by their type
        schedule = {k: (v.get('type', v) if isinstance(v, dict) else v)
                    for k, v in adaptation.items() if k not in NOT_SCHEDULE}
    return dict(
        file=path,
        size_bytes=os.path.getsize(path),
        format=f'{meta.get("format")} v{meta.get("version")}',
        source_checkpoint=source,
        source_sha256=meta.get('source_sha256', ''),
        source_status=source_state,
        base_modules=meta.get('base_modules'),
        base_sha256=meta.get('base_sha256', ''),
        domain={k: meta[k] for k in DOMAIN_KEYS if k in meta} or None,
        exemplar={k: meta[k] for k in EXEMPLAR_KEYS if k in meta} or None,
        schedule=schedule,
        adaptation=meta.get('adaptation', ''),
        tensors=len(state),
        values=int(sum(t.numel() for t in state.values())),
        dtypes=sorted({str(t.dtype).replace('torch.', '') for t in state.values()}),
        modules={k: dict(tensors=c, values=v) for k, (c, v) in groups.items()},
        other_meta={k: v for k, v in meta.items() if k not in (
            'format', 'version', 'source_checkpoint', 'source_sha256', 'base_modules', 'base_sha256',
            'adapted_keys',
            'adaptation', *DOMAIN_KEYS, *EXEMPLAR_KEYS)},
    )


def human_size(n):
    return f'{n / 2**20:.2f} MiB' if n >= 2**20 else f'{n / 2**10:.1f} KiB'


def print_report(info):
    not_recorded = 'not recorded in this file'
    lines = [
        f'file:       {info["file"]} ({human_size(info["size_bytes"])}, {info["format"]})',
        f'source:     {info["source_checkpoint"]} (sha256 {info["source_sha256"][:16]}...: '
        f'{info["source_status"]})',
        'adapted on: ' + (f'the {"/".join(info["base_modules"])} of state sha256 '
                          f'{info["base_sha256"][:16]}... (checked when loading)'
                          if info['base_modules'] else 'not recorded (a version 1 file): not checked'),
        f'domain:     {info["domain"] or not_recorded}',
        f'exemplar:   {info["exemplar"] or not_recorded}',
    ]
    if info['schedule']:
        s = info['schedule']
        iters = (f'{s["outer_iters"]} x {s["inner_iters"]} iterations'
                 if 'outer_iters' in s and 'inner_iters' in s else '')
        rest = ', '.join(f'{k}={v}' for k, v in s.items()
                         if k not in ('type', 'outer_iters', 'inner_iters'))
        lines.append(f'schedule:   {s.get("type", "?")}' + (f', {iters}' if iters else '')
                     + (f', {rest}' if rest else ''))
    else:
        lines.append(f'schedule:   {"(not a dict) " + info["adaptation"] if info["adaptation"] else not_recorded}')
    lines.append(f'tensors:    {info["tensors"]} ({info["values"]:,} values, '
                 f'{"/".join(info["dtypes"])})')
    for name, group in info['modules'].items():
        lines.append(f'  {name}: {group["tensors"]} tensors, {group["values"]:,} values')
    if info['other_meta']:
        lines.append(f'other meta: {info["other_meta"]}')
    if info['adaptation'] and info['schedule']:
        lines.append(f'adaptation config: {info["adaptation"]}')
    print('\n'.join(lines))


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='delta_info.py', description='Show what an adapted-parameter file (tools/adapt.py '
        'output, the --adapted DELTA of tools/infer.py) holds: source checkpoint, domain, '
        'exemplar, schedule, size.')
    parser.add_argument('delta', help='adapted-parameter file written by tools/adapt.py')
    parser.add_argument('--json', action='store_true', help='print one JSON object instead')
    args = parser.parse_args(argv)
    try:
        info = describe(args.delta)
    except (OSError, CheckpointError) as err:
        sys.exit(f'delta_info.py: error: {err}')
    if args.json:
        print(json.dumps(info, indent=1, default=str))
    else:
        print_report(info)


if __name__ == '__main__':
    main()
