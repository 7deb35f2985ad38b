"""Config loading for the tools: ``--cfg-options`` checked against the config, one-line errors."""
import difflib
import glob
import functools
import inspect
import os.path as osp
import sys

from mmengine.config import Config

from .checkpoint import CheckpointError
from .project_paths import PROJECT_ROOT, config_key_of, resolve_project_paths
from .user_errors import InputError, init_arguments, library_error_message, worker_error_message


class ConfigKeyError(KeyError):
    """A ``--cfg-options`` key the config does not have."""

    def __str__(self):
        return self.args[0]


def arguments_of(type_name):
    """The keyword arguments a registered ``type`` takes (:func:`init_arguments`); None
    when it is not found in dapfsr's registries or takes ``**kwargs`` it does not pass
    on to a base class."""
    from mmengine.registry import Registry

    from dapfsr import registry
    for reg in vars(registry).values():
        if isinstance(reg, Registry) and isinstance(type_name, str):
            try:
                cls = reg.get(type_name)
            except Exception:  # a registry whose modules fail to import: not this one
                continue
            if cls is not None:
                try:
                    return init_arguments(cls)
                except (TypeError, ValueError):  # no signature to read
                    return None
    return None


def check_cfg_options(cfg, options):
    """Refuse ``options`` keys that name nothing in ``cfg`` (with close matches).

    A key may add an argument to a dict with a ``type`` when the registered class
    takes it (or takes ``**kwargs``, or is not found: its builder checks), and a
    top-level argument of mmengine's Runner (``work_dir``, ...); any other key
    must exist, list items given by index (``pipeline.2.rotation``).

    Raises:
        ConfigKeyError: Naming the key, the part that is unknown and close matches.
    """
    from mmengine.runner import Runner
    runner_args = set(inspect.signature(Runner.__init__).parameters) - {'self'}
    for full_key in options:
        node, known = cfg.to_dict(), []
        for part in full_key.split('.'):
            where = '.'.join(known) or 'the config'
            if isinstance(node, list):
                if not part.isdigit() or int(part) >= len(node):
                    raise ConfigKeyError(f'--cfg-options {full_key}: {where} is a list of '
                                         f'{len(node)} items, {part!r} is not an index of it')
                node = node[int(part)]
            elif isinstance(node, dict):
                if part not in node:
                    takes = arguments_of(node['type']) if 'type' in node else None
                    if ('type' in node and (takes is None or part in takes)) or (
                            not known and part in runner_args):
                        break
                    close = difflib.get_close_matches(part, sorted({str(k) for k in node} | set(takes or ())), n=3)
                    hint = f'; did you mean {", ".join(close)}?' if close else ''
                    raise ConfigKeyError(f'--cfg-options {full_key}: {where} has no key '
                                         f'{part!r}{hint}')
                node = node[part]
            else:
                break
            known.append(part)


def config_file(path):
    """The config file ``path`` names: from the working directory, else from the project root
    (``configs/...`` works from any folder); missing: FileNotFoundError with the closest names."""
    for candidate in (path, osp.join(PROJECT_ROOT, path)):
        if osp.isfile(candidate):
            return candidate
    known = [osp.relpath(f, PROJECT_ROOT) for f in glob.glob(osp.join(PROJECT_ROOT, 'configs', '**', '*.py'),
                                                              recursive=True) if '_base_' not in f]
    by_name = {}
    for name in known:
        by_name.setdefault(osp.basename(name), name)
    wanted = osp.relpath(osp.abspath(path), PROJECT_ROOT)
    close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.5) or [
        by_name[n] for n in difflib.get_close_matches(osp.basename(path), list(by_name), n=3, cutoff=0.5)]
    hint = f'; closest configs: {", ".join(close)}' if close else ''
    raise FileNotFoundError(f'config file not found: {path}{hint}')


def read_config(path):
    """:func:`config_file`'s config, its project-relative paths resolved (:mod:`.project_paths`)."""
    cfg = Config.fromfile(config_file(path))
    resolve_project_paths(cfg)
    return cfg


def load_config(path, cfg_options=None, work_dir=None):
    """Read a config file (:func:`read_config`), merge checked ``cfg_options`` and set
    ``work_dir`` (given, the config's, or ``./work_dirs/<config name>``)."""
    cfg = read_config(path)
    if cfg_options:
        check_cfg_options(cfg, cfg_options)
        cfg.merge_from_dict(cfg_options)
        resolve_project_paths(cfg)
    cfg.work_dir = work_dir or cfg.get('work_dir') or osp.join(
        './work_dirs', osp.splitext(osp.basename(path))[0])
    return cfg


def exit_on_user_error(main):
    """Let a tool's ``main`` end with ``error: <one line>`` and status 1 (no traceback)
    when a file is missing, a checkpoint does not fit, a config key is unknown, an input
    is wrong (:class:`~dapfsr.utils.user_errors.InputError`), or mmengine refuses a
    config's ``type`` or ``custom_imports`` (:func:`~dapfsr.utils.user_errors.library_error_message`)."""
    @functools.wraps(main)
    def run(*args, **kwargs):
        try:
            return main(*args, **kwargs)
        except (FileNotFoundError, CheckpointError, ConfigKeyError, InputError) as err:
            text = worker_error_message(err)  # a DataLoader worker's: its one line
            key = config_key_of(text) if isinstance(err, (FileNotFoundError, CheckpointError)) else None
            sys.exit(f'error: {key}: {text}' if key else f'error: {text}')
        except (KeyError, ImportError) as err:
            message = library_error_message(err)
            if message is None:
                raise
            sys.exit(f'error: {message}')
    return run
