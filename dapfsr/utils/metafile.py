"""Each method's measured results, written once in ``configs/<method>/metafile.yml``, and the
Markdown tables rendered from them (``tools/misc/render_results.py``).

A metafile follows mmagic's schema with what this project's numbers need besides (every key
is checked; an unknown key is an error, so a misspelt one cannot drop a row unnoticed)::

    Collections:                          # the method
      - Name: MTDN
        Paper: {Title: ..., URL: ...}     # optional (Bicubic has none); URL optional
        README: configs/mtdn/README.md
    Models:                               # one per row of a table: a method in one setting
      - Name: MTDN + ASM                  # unique over all metafiles; tables select rows by it
        In Collection: MTDN
        Config: configs/mtdn/mtdn_small_2k_celeba-hq2yaleb_asm-20x2.py
        Weights: checkpoints/mtdn_small_celebahq.pth   # null: no weights (Bicubic, PULSE)
        Results:
          - Task: One-shot Face Super-Resolution       # or Face Super-Resolution
            Dataset: Extended Yale B      # one of DATASETS
            Variant: as drawn             # the model's output as the paper has it, or
                                          # refined (+ LR consistency, beyond the paper)
            Faces: 37                     # test faces (of each task, for a one-shot row)
            Tasks: 30                     # one-shot rows only: splits x exemplar seeds
            Seeds: [0, 1, 2]              # one-shot rows only: the exemplar seeds
            Metrics: {PSNR: 20.02, SSIM: 0.576, IDSim: 0.415}   # gray for the targets
            Per seed PSNR: [20.02, 20.13, 19.90]   # optional, one per seed
            Config: ...                   # optional: this result's config, where not Config
            Adaptation time: 74 s         # optional, one-shot rows: what adapting a task took
            Command: python tools/test.py ...
            Machine: this project's 2-core CPU machine, OMP_NUM_THREADS=1
            Date: 2026-12-02

Tables go between ``<!-- results: begin <id> ... -->`` and ``<!-- results: end -->`` of a
Markdown file; the text outside the markers is hand-written. ``<id>`` is ``method:<folder>``
(all results of ``configs/<folder>/metafile.yml``, one row each) or a key of
:data:`DOC_TABLES` (rows of several methods, one column per dataset and variant).
"""
import datetime
import glob
import os.path as osp
import re

import yaml

from .fileio import atomic_write
from .user_errors import InputError

DATASETS = ('CelebA-HQ test', 'CelebA-HQ test, mirrored', 'CelebA-HQ test, degraded LR',
            'Extended Yale B', 'synthetic NIR')
VARIANTS = ('as drawn', 'refined')
METRICS = ('LPIPS', 'FIQ', 'PSNR', 'SSIM', 'IDSim')
COLLECTION_KEYS = {'Name': str, 'Paper': dict, 'README': str}
MODEL_KEYS = {'Name': str, 'In Collection': str, 'Config': str, 'Weights': (str, type(None)),
              'Results': list}
RESULT_KEYS = {'Task': str, 'Dataset': str, 'Variant': str, 'Faces': int, 'Tasks': int,
               'Seeds': list, 'Metrics': dict, 'Per seed PSNR': list, 'Config': str,
               'Adaptation time': str, 'Command': str, 'Machine': str,
               'Date': (datetime.date, str)}
OPTIONAL_KEYS = {'Paper', 'URL', 'Tasks', 'Seeds', 'Per seed PSNR', 'Config', 'Adaptation time'}
MARKED_TABLE = re.compile(
    r'^(<!-- results: begin (\S+)[^\n]*-->\n)(.*?)^(<!-- results: end -->)', re.S | re.M)

# Tables of several methods: a column is (header, dataset, variant, field), the field
# 'metrics', 'per seed' or 'adaptation';
# a row is (label, model name, the exemplar seeds of its results or None for the largest).
ALL_SEEDS, SEED_0 = (0, 1, 2), (0,)
PUBLISHED_ROWS = [
    ('Bicubic', 'Bicubic', None),
    ('Bicubic, aligned (`bicubic-aligned_x4_*.py`)', 'Bicubic, aligned', None),
    ('PULSE', 'PULSE', ALL_SEEDS),
    ('MTDN', 'MTDN', ALL_SEEDS),
    ('CPGAN', 'CPGAN', ALL_SEEDS),
    ('DAP-FSR source only (`2yaleb_lr-consistent.py`)', 'DAP-FSR source only', ALL_SEEDS),
    ('PULSE + ASM', 'PULSE + ASM', ALL_SEEDS),
    ('MTDN + ASM', 'MTDN + ASM', ALL_SEEDS),
    ('MTDN + ASM, seed 0 (10 tasks)', 'MTDN + ASM', SEED_0),
    ('CPGAN + ASM', 'CPGAN + ASM', ALL_SEEDS),
    ('CPGAN + ASM, seed 0 (10 tasks)', 'CPGAN + ASM', SEED_0),
    ('DAP-FSR one-shot, DAMMA as Algorithm 1 writes it (phi on the generated pairs only, 3 x 15; '
     '`_damma-generated-pairs-3x15_lr-consistent.py`)', 'DAP-FSR, DAMMA as Algorithm 1', ALL_SEEDS),
    ('DAP-FSR one-shot, DAMMA, Table 2 F with the exemplar weighted 0.5 (3 x 15; '
     '`_damma-3x15_lr-consistent.py`)', 'DAP-FSR, DAMMA 3 x 15', ALL_SEEDS),
    ('**DAP-FSR one-shot, the default**: the same, 3 x 5 (`_damma-3x5_lr-consistent.py`)',
     'DAP-FSR, the default', ALL_SEEDS),
]
TABLE23_ROWS = [
    ('source only', 'DAP-FSR source only', SEED_0),
    ('Table 2 D: hard swap of the last three W+ layers, whole decoder '
     '(`_damma-hardmix-decoder-3x15`)', 'DAP-FSR, Table 2 D', SEED_0),
    ('Table 2 E: soft mixing, whole decoder (`_damma-decoder-3x15`)', 'DAP-FSR, Table 2 E', SEED_0),
    ('Table 2 F: DAMMA, phi (`_damma-3x15`, exemplar weight 0.5)', 'DAP-FSR, DAMMA 3 x 15', SEED_0),
    ('Table 2 F as Algorithm 1 writes it (`_damma-generated-pairs-3x15`)',
     'DAP-FSR, DAMMA as Algorithm 1', SEED_0),
    ('Table 3: direct fine-tuning of phi (`_direct-ft-3x15`)', 'DAP-FSR, direct fine-tuning', SEED_0),
    ('Table 3: ASM (`_asm-20x2`)', 'DAP-FSR + ASM', SEED_0),
    ('the default (`_damma-3x5`)', 'DAP-FSR, the default', SEED_0),
]
BASELINES = ('Bicubic', 'PULSE', 'MTDN', 'CPGAN')
DOC_TABLES = {
    'published-table1': dict(title='small profile', rows=PUBLISHED_ROWS, columns=[
        ('Yale B, as the paper has it', 'Extended Yale B', 'as drawn', 'metrics'),
        ('Yale B, + LR consistency', 'Extended Yale B', 'refined', 'metrics'),
        ('per seed PSNR (+ LR consistency)', 'Extended Yale B', 'refined', 'per seed'),
        ('NIR, as the paper has it', 'synthetic NIR', 'as drawn', 'metrics'),
        ('NIR, + LR consistency', 'synthetic NIR', 'refined', 'metrics')]),
    'published-celeba-hq': dict(
        title='CelebA-HQ test (500 faces), source domain',
        rows=[(name, name, None) for name in BASELINES] + [
            ('DAP-FSR', 'DAP-FSR source only', None)],
        columns=[('PSNR / SSIM', 'CelebA-HQ test', 'as drawn', 'metrics')]),
    'published-table23': dict(title='row', rows=TABLE23_ROWS, columns=[
        ('as the paper has it', 'Extended Yale B', 'as drawn', 'metrics'),
        ('+ LR consistency', 'Extended Yale B', 'refined', 'metrics')]),
    'baselines-source-only': dict(
        title='small profile', rows=[(name, name, None) for name in BASELINES], columns=[
            ('CelebA-HQ test (500) PSNR ↑ / SSIM ↑', 'CelebA-HQ test', 'as drawn', 'metrics'),
            ('Yale B (30 tasks) PSNR ↑ / SSIM ↑ / IDSim ↑', 'Extended Yale B', 'as drawn',
             'metrics'),
            ('Yale B PSNR, seeds 0 / 1 / 2', 'Extended Yale B', 'as drawn', 'per seed')]),
    'baselines-one-shot': dict(
        title='small profile, Yale B (30 tasks)',
        rows=[(name, name, ALL_SEEDS) for name in BASELINES[1:]] + [
            (f'{name} + ASM', f'{name} + ASM', ALL_SEEDS) for name in BASELINES[1:]],
        columns=[('PSNR ↑ / SSIM ↑ / IDSim ↑', 'Extended Yale B', 'as drawn', 'metrics'),
                 ('PSNR per seed 0 / 1 / 2', 'Extended Yale B', 'as drawn', 'per seed'),
                 ('adaptation a task (A+050E+00 seed 0; all tasks)', 'Extended Yale B',
                  'as drawn', 'adaptation')]),
}


def _check_keys(entry, keys, where):
    """Refuse a missing, unknown or mistyped key of one mapping, naming it."""
    if not isinstance(entry, dict):
        raise InputError(f'{where}: not a mapping')
    for key in entry:
        if key not in keys:
            raise InputError(f'{where}: unknown key {key!r} (known: {", ".join(keys)})')
    for key, kind in keys.items():
        if key not in entry:
            if key not in OPTIONAL_KEYS:
                raise InputError(f'{where}: missing key {key!r}')
        elif not isinstance(entry[key], kind) or isinstance(entry[key], bool):
            raise InputError(f'{where}.{key}: {entry[key]!r} is not a {kind}')


def _check_result(result, where, root):
    _check_keys(result, RESULT_KEYS, where)
    for key, allowed in (('Dataset', DATASETS), ('Variant', VARIANTS)):
        if result[key] not in allowed:
            raise InputError(f'{where}.{key}: {result[key]!r} is not one of {", ".join(allowed)}')
    if ('Tasks' in result) != ('Seeds' in result):
        raise InputError(f'{where}: Tasks and Seeds go together (a one-shot row has both)')
    for name, value in result['Metrics'].items():
        if name not in METRICS:
            raise InputError(f'{where}.Metrics.{name}: unknown metric (known: {", ".join(METRICS)})')
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise InputError(f'{where}.Metrics.{name}: {value!r} is not a number')
    if 'PSNR' not in result['Metrics']:
        raise InputError(f'{where}.Metrics: no PSNR')
    per_seed = result.get('Per seed PSNR')
    if per_seed is not None and len(per_seed) != len(result.get('Seeds', ())):
        raise InputError(f'{where}.Per seed PSNR: {len(per_seed)} values for '
                         f'{len(result.get("Seeds", ()))} seeds')
    if 'Config' in result and not osp.isfile(osp.join(root, result['Config'])):
        raise InputError(f'{where}.Config: no such file: {result["Config"]}')


def load_metafile(path, root='.'):
    """The checked contents of one metafile (``path`` relative to ``root``).

    Raises:
        InputError: one line naming the file and the key that is wrong.
    """
    try:
        with open(osp.join(root, path), encoding='utf-8') as f:
            meta = yaml.safe_load(f)
    except yaml.YAMLError as err:
        mark = getattr(err, 'problem_mark', None)
        line = f' line {mark.line + 1}' if mark else ''
        raise InputError(f'{path}:{line} not YAML: {getattr(err, "problem", err)}') from None
    _check_keys(meta, {'Collections': list, 'Models': list}, path)
    collections = set()
    for i, collection in enumerate(meta['Collections']):
        where = f'{path}: Collections[{i}]'
        _check_keys(collection, COLLECTION_KEYS, where)
        if 'Paper' in collection:
            _check_keys(collection['Paper'], {'Title': str, 'URL': str}, f'{where}.Paper')
        if not osp.isfile(osp.join(root, collection['README'])):
            raise InputError(f'{where}.README: no such file: {collection["README"]}')
        collections.add(collection['Name'])
    for i, model in enumerate(meta['Models']):
        where = f'{path}: Models[{i}]'
        _check_keys(model, MODEL_KEYS, where)
        where = f'{path}: Models[{i}] ({model["Name"]})'
        if model['In Collection'] not in collections:
            raise InputError(f'{where}.In Collection: {model["In Collection"]!r} is not a '
                             f'collection of this file')
        if not osp.isfile(osp.join(root, model['Config'])):
            raise InputError(f'{where}.Config: no such file: {model["Config"]}')
        if not model['Results']:
            raise InputError(f'{where}.Results: empty (only rows with measured numbers)')
        for j, result in enumerate(model['Results']):
            _check_result(result, f'{where}.Results[{j}]', root)
    return meta


def metafile_paths(root='.'):
    return sorted(glob.glob('configs/*/metafile.yml', root_dir=root))


def load_models(root='.'):
    """Model name -> model (with ``'Metafile'`` added) over every metafile, names unique."""
    models = {}
    for path in metafile_paths(root):
        for model in load_metafile(path, root)['Models']:
            if model['Name'] in models:
                raise InputError(f'{path}: Models: {model["Name"]!r} is also a model of '
                                 f'{models[model["Name"]]["Metafile"]}')
            models[model['Name']] = dict(model, Metafile=path)
    return models


def format_metrics(metrics):
    """``'PSNR / SSIM / IDSim'`` as measured: PSNR to 2 decimals, the others to 3."""
    return ' / '.join(f'{metrics[m]:.2f}' if m == 'PSNR' else f'{metrics[m]:.3f}'
                      for m in METRICS if m in metrics)


def format_per_seed(result):
    return ' / '.join(f'{v:.2f}' for v in result.get('Per seed PSNR', ()))


def find_result(model, dataset, variant, seeds=None):
    """The model's result on ``dataset`` in ``variant`` (with exemplar ``seeds``, else the
    largest measurement)."""
    found = [r for r in model['Results'] if r['Dataset'] == dataset and r['Variant'] == variant
             and (seeds is None or tuple(r.get('Seeds', ())) == tuple(seeds))]
    return max(found, key=lambda r: (r.get('Tasks', 0), r['Faces']), default=None)


def markdown_table(header, rows):
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    return '\n'.join(lines + ['| ' + ' | '.join(row) + ' |' for row in rows]) + '\n'


def method_table(path, root='.'):
    """Every result of one metafile, one row each (a config README's table)."""
    rows = []
    for model in load_metafile(path, root)['Models']:
        for result in model['Results']:
            seeds = result.get('Seeds', ())
            size = (f'{result["Tasks"]} tasks (seed{"s" * (len(seeds) > 1)} '
                    f'{", ".join(map(str, seeds))})'
                    if 'Tasks' in result else f'{result["Faces"]} faces')
            rows.append([model['Name'], f'`{osp.basename(result.get("Config", model["Config"]))}`',
                         result['Dataset'], result['Variant'], size,
                         format_metrics(result['Metrics']), format_per_seed(result),
                         str(result['Date'])])
    return markdown_table(['model', 'config', 'data', 'variant', 'measured on',
                           'PSNR ↑ / SSIM ↑ / IDSim ↑', 'PSNR per seed', 'date'], rows)


def doc_table(spec, models):
    """A table of several methods' rows as :data:`DOC_TABLES` lays it out."""
    rows = []
    for label, name, seeds in spec['rows']:
        if name not in models:
            raise InputError(f'no metafile has a model named {name!r} (a row of a table)')
        cells = []
        for _, dataset, variant, field in spec['columns']:
            result = find_result(models[name], dataset, variant, seeds)
            cells.append('' if result is None else format_metrics(result['Metrics'])
                         if field == 'metrics' else format_per_seed(result)
                         if field == 'per seed' else result.get('Adaptation time', ''))
        rows.append([label] + cells)
    return markdown_table([spec['title']] + [c[0] for c in spec['columns']], rows)


def render_table(table_id, root='.', models=None):
    """The Markdown of the table ``table_id`` (``method:<folder>`` or a :data:`DOC_TABLES` key)."""
    if table_id.startswith('method:'):
        path = f'configs/{table_id[len("method:"):]}/metafile.yml'
        if not osp.isfile(osp.join(root, path)):
            raise InputError(f'table {table_id}: no such metafile: {path}')
        return method_table(path, root)
    if table_id not in DOC_TABLES:
        raise InputError(f'unknown table {table_id!r} (known: method:<folder>, '
                         f'{", ".join(DOC_TABLES)})')
    return doc_table(DOC_TABLES[table_id], models if models is not None else load_models(root))


def render_text(text, root='.', models=None, where='text'):
    """``text`` with every marked table rendered anew from the metafiles."""
    def render(match):
        try:
            table = render_table(match.group(2), root, models)
        except InputError as err:
            raise InputError(f'{where}: {err}') from None
        return match.group(1) + table + match.group(4)
    return MARKED_TABLE.sub(render, text)


def documents(root='.'):
    """The Markdown files (relative to ``root``) that may hold a marked table."""
    paths = ['README.md'] + sorted(glob.glob('docs/*.md', root_dir=root)) + sorted(
        glob.glob('configs/*/README.md', root_dir=root))
    return [p for p in paths if osp.isfile(osp.join(root, p))]


def render_documents(root='.', write=True):
    """Render every marked table; the documents whose tables changed (written if ``write``,
    through :func:`~dapfsr.utils.fileio.atomic_write`)."""
    models = load_models(root)
    changed = []
    for path in documents(root):
        with open(osp.join(root, path), encoding='utf-8') as f:
            text = f.read()
        new = render_text(text, root, models, where=path)  # a document without markers: as it was
        if new != text:
            changed.append(path)
            if write:
                with atomic_write(osp.join(root, path), 'wb') as f:
                    f.write(new.encode('utf-8'))
    return changed
