"""What a user can get wrong in a tool's inputs, said in one line that names the file or key.

:func:`dapfsr.utils.exit_on_user_error` ends a tool with ``error: <that line>`` (status 1)
on :class:`InputError`, a missing file, and the two errors mmengine raises with a
traceback for a config that names what does not exist: a ``type`` no registry holds
(:func:`registry_error_message`) and a ``custom_imports`` module that cannot be
imported (:func:`custom_import_message`). :func:`check_config_types` finds the former
before anything is built (a model type misspelt would else be reported by the
checkpoint check as a checkpoint of another model).
"""
import difflib
import importlib
import inspect
import os
import os.path as osp
import pkgutil
import re


class InputError(ValueError):
    """A wrong input of a tool (a file, an option, a config value); its message is one
    line naming the file or key, and ``exit_on_user_error`` ends the tool with it."""


def worker_error_message(err):
    """The message of ``err`` as raised, also when a DataLoader worker raised it: torch
    raises it again in the main process as the same type with the message ``Caught X in
    DataLoader worker process N.`` and the worker's whole traceback, whose last line
    (``package.module.X: message``) holds the message."""
    text = str(err)
    first = text.split('\n', 1)[0]
    if not (first.startswith('Caught ') and 'in DataLoader worker process' in first):
        return text
    last = text.rstrip().splitlines()[-1]
    head, sep, message = last.partition(': ')
    return message if sep and head.split('.')[-1] == type(err).__name__ else last


def did_you_mean(word, candidates, n=3):
    """``'; did you mean a, b?'`` with the close matches of ``word``, or ''."""
    close = difflib.get_close_matches(str(word), sorted({str(c) for c in candidates}), n=n)
    return f'; did you mean {", ".join(close)}?' if close else ''


def require_file(path, kind):
    """Refuse a missing input file before anything is built, naming what kind of file it is.

    Raises:
        FileNotFoundError: ``'<kind> not found: <path>'`` (or ``is a folder``).
    """
    if not osp.exists(path):
        raise FileNotFoundError(f'{kind} not found: {path}')
    if not osp.isfile(path):
        raise FileNotFoundError(f'{kind} is a folder, not a file: {path}')


def require_folder(path, kind):
    """As :func:`require_file`, for an input folder."""
    if not osp.isdir(path):
        raise FileNotFoundError(f'{kind} not found: {path}' if not osp.exists(path)
                                else f'{kind} is a file, not a folder: {path}')


def same_file(a, b):
    """Whether paths ``a`` and ``b`` name one existing file (after resolving links, hard
    links included): writing ``a`` would replace what ``b`` reads."""
    try:
        return osp.exists(a) and osp.exists(b) and osp.samefile(a, b)
    except OSError:
        return False


def output_overwrites_input(out, inputs):
    """The first of ``inputs`` (``(name, path)`` pairs; None paths skipped) that ``out``
    names, as ``(name, path)``; None when ``out`` is none of them."""
    for name, path in inputs:
        if path and same_file(out, path):
            return name, path
    return None


def output_path_problem(path):
    """Why a file cannot be written at ``path`` ('is a folder', 'X is a file, not a
    folder', 'X is not writable'), named by the path as given; '' when it can be (as far
    as can be told before writing: missing folders are created)."""
    if osp.isdir(path):
        return f'{path} is a folder'
    folder = osp.dirname(osp.abspath(path))
    while not osp.exists(folder):
        folder = osp.dirname(folder)
    if not osp.isdir(folder):
        shown = osp.relpath(folder) if not osp.isabs(path) else folder
        return f'{path}: {shown} is a file, not a folder'
    if not os.access(folder, os.W_OK | os.X_OK):
        return f'{path}: the folder {folder} is not writable'
    return ''


def check_output_file(out, inputs, what='the output'):
    """Refuse an output file that is one of the tool's inputs or cannot be written.

    Args:
        out (str): The output path, as the user gave it.
        inputs (Sequence[tuple[str, str]]): ``(name, path)`` of what the tool reads
            (e.g. ``('CHECKPOINT', args.checkpoint)``).
        what (str): How the message names the output (``'--out'``, ``'OUT'``).

    Raises:
        InputError: One line naming the output and the input it is.
    """
    hit = output_overwrites_input(out, inputs)
    if hit:
        raise InputError(f'{what} {out} is {hit[0]} ({hit[1]}): the tool would write over what it '
                         'reads; give another file')
    problem = output_path_problem(out)
    if problem:
        raise InputError(f'{what} cannot be written: {problem}')


def passes_kwargs_to_super(init, name):
    """Whether the source of ``init`` calls ``super().__init__(..., **<name>)``."""
    try:
        source = inspect.getsource(init)
    except (OSError, TypeError):
        return False
    for call in re.finditer(r'super\([^)]*\)\.__init__\(', source):
        depth, end = 1, call.end()
        while depth and end < len(source):
            depth += {'(': 1, ')': -1}.get(source[end], 0)
            end += 1
        if re.search(rf'\*\*{name}\b', source[call.end():end]):
            return True
    return False


def init_arguments(cls):
    """The keyword arguments ``cls(...)`` takes, following ``**kwargs`` that an
    ``__init__`` passes on to ``super().__init__`` through the MRO (a dataset's
    ``indices`` of mmengine's BaseDataset); None where ``**kwargs`` go elsewhere."""
    if not inspect.isclass(cls):
        params = inspect.signature(cls).parameters.values()
        return None if any(p.kind is p.VAR_KEYWORD for p in params) else [p.name for p in params]
    names = []
    for klass in cls.__mro__:
        if '__init__' not in vars(klass):
            continue
        if klass is object:
            return names
        params = list(inspect.signature(klass.__init__).parameters.values())[1:]  # self
        names += [p.name for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        kwargs = next((p.name for p in params if p.kind is p.VAR_KEYWORD), None)
        if kwargs is None:
            return names
        if not passes_kwargs_to_super(klass.__init__, kwargs):
            return None
    return None


# the config keys whose ``type`` a registry builds, by the name of the key (or of the
# list holding the dict), searched from the innermost key out; the rest: models
REGISTRY_OF_KEY = {
    'pipeline': 'transform', 'degradation': 'transform', 'transforms': 'transform',
    'dataset': 'dataset', 'datasets': 'dataset', 'target_dataset': 'dataset',
    'sampler': 'data sampler', 'batch_sampler': 'data sampler', 'collate_fn': 'function',
    'val_evaluator': 'metric', 'test_evaluator': 'metric', 'metrics': 'metric',
    'evaluator': 'metric',
    'optimizer': 'optimizer', 'optim_wrapper': 'optim wrapper',
    'constructor': 'optimizer wrapper constructor', 'param_scheduler': 'parameter scheduler',
    'default_hooks': 'hook', 'custom_hooks': 'hook', 'hooks': 'hook',
    'train_cfg': 'loop', 'val_cfg': 'loop', 'test_cfg': 'loop',
    'log_processor': 'log processor', 'visualizer': 'visualizer', 'vis_backends': 'vis backend',
    'model_wrapper_cfg': 'model wrapper', 'one_shot_protocol': 'adaptation', 'adaptation': 'adaptation',
    'augmenter': 'model', 'style_network': 'model', 'source_faces': 'dataset',
}

# Types renamed since a release: a config naming the old one is told the new name.
RENAMED_TYPES = {'DAMMAHook': 'OneShotAdaptationHook'}


def registries():
    """dapfsr's registries (children of mmengine's) and mmengine's FUNCTIONS (collate_fn)."""
    from mmengine.registry import FUNCTIONS, Registry

    from dapfsr import registry
    return [r for r in vars(registry).values() if isinstance(r, Registry) and r.scope == 'dapfsr'] + [FUNCTIONS]


def registry_names(reg):
    """Every name ``reg.get`` finds without a scope: its own and its parents'."""
    names = set()
    while reg is not None:
        try:
            reg.import_from_location()
        except Exception:  # noqa: BLE001 a package that fails to import: its names are missing
            pass
        names.update(reg.module_dict)
        reg = reg.parent
    return names


def is_registered(type_name):
    """Whether any registry of :func:`registries` (or a parent) finds ``type_name``."""
    for reg in registries():
        try:
            if reg.get(type_name) is not None:
                return True
        except Exception:  # noqa: BLE001 a scope that does not exist, a failing import
            continue
    return False


def registry_for(path):
    """The registry a config key's ``type`` is looked up in (by :data:`REGISTRY_OF_KEY`)."""
    by_name = {r.name: r for r in registries()}
    for part in reversed(path):
        if part in REGISTRY_OF_KEY:
            return by_name[REGISTRY_OF_KEY[part]]
    return by_name['model']


def unknown_type_message(type_name, reg, where=''):
    """``'<where>'DAPEncodr' is not in dapfsr's model registry; did you mean DAPEncoder?'``,
    close matches from ``reg``, else from any registry (naming it)."""
    name = str(type_name).split('.')[-1]
    if name in RENAMED_TYPES:
        return f"{where}{type_name!r} is now type='{RENAMED_TYPES[name]}'"
    hint = did_you_mean(name, registry_names(reg))
    if not hint:
        for other in registries():
            if other is not reg and difflib.get_close_matches(name, registry_names(other), n=1):
                hint = f'{did_you_mean(name, registry_names(other))} (of the {other.name} registry)'
                break
    return f"{where}{type_name!r} is not in dapfsr's {reg.name} registry{hint or '; no close match'}"


def check_config_types(cfg):
    """Refuse a ``type`` that no registry holds, before anything is built.

    Raises:
        InputError: Naming the key (``model.encoder.type``), the registry its
            section is built from and that registry's close matches.
    """
    def walk(node, path):
        if isinstance(node, dict):
            type_name = node.get('type')
            if isinstance(type_name, str) and not is_registered(type_name):
                key = '.'.join(path + ['type'])
                raise InputError(unknown_type_message(type_name, registry_for(path), f'{key}: '))
            for key, value in node.items():
                walk(value, path + [str(key)])
        elif isinstance(node, (list, tuple)):
            for index, value in enumerate(node):
                walk(value, path + [str(index)])

    walk(cfg.to_dict() if hasattr(cfg, 'to_dict') else dict(cfg), [])


REGISTRY_ERROR = re.compile(r'(\S+) is not in the (?:(\w+)::)?([\w ]+?) registry')


def registry_error_message(err):
    """One line for mmengine's KeyError ``X is not in the dapfsr::model registry. Please
    check ...`` (raised while building), with the registry's close matches; None for any
    other KeyError."""
    match = REGISTRY_ERROR.search(str(err))
    if not isinstance(err, KeyError) or not match:
        return None
    type_name, name = match.group(1).strip('`\'"'), match.group(3)
    reg = next((r for r in registries() if r.name == name), None)
    if reg is None:
        return f"{type_name!r} is not in the {name} registry"
    return unknown_type_message(type_name, reg)


def module_close_matches(name):
    """Close matches of a module name: the submodules of its deepest importable parent."""
    parts = name.split('.')
    for depth in range(len(parts) - 1, -1, -1):
        parent = '.'.join(parts[:depth])
        try:
            path = importlib.import_module(parent).__path__ if parent else None
        except (ImportError, AttributeError):  # no such package, or a module, not a package
            continue
        prefix = f'{parent}.' if parent else ''
        return did_you_mean(name, [prefix + m.name for m in pkgutil.iter_modules(path)])
    return ''


def custom_import_message(err):
    """One line for mmengine's ImportError of a config's ``custom_imports`` (its message
    lists ``sys.path`` over many lines): the module that fails, why, close matches; None
    for any other ImportError."""
    if not isinstance(err, ImportError) or not str(err).startswith('Failed to import custom modules from '):
        return None
    failed = err.__cause__  # mmengine's ImportError('Failed to import <module>'), raised in the handler
    match = re.fullmatch(r'Failed to import (\S+)', str(failed or ''))
    module = match.group(1) if match else str(err).split(', the current sys.path')[0].split(' from ', 1)[-1]
    reason = (failed.__cause__ or failed.__context__) if failed is not None else None
    missing = getattr(reason, 'name', None)
    if missing and (module == missing or module.startswith(f'{missing}.')):
        return (f'custom_imports: no module named {module!r}{module_close_matches(module)} '
                '(a module of your own: put its folder on PYTHONPATH)')
    return f'custom_imports: {module} cannot be imported: {" ".join(str(reason or failed).split())}'


def library_error_message(err):
    """The one line of an error mmengine raises for a user's config, or None."""
    return registry_error_message(err) or custom_import_message(err)
