"""Checkpoint loading that forces ``torch.load(weights_only=True)``, and checks what it loads.

mmengine 0.10.7 calls ``torch.load`` without ``weights_only``, so torch's default
decides, and ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1`` (a workaround users paste)
turns it off. Our loader passes ``weights_only=True`` explicitly, which that
variable cannot override, and replaces mmengine's loader of local files, so
``load_from``, ``--resume`` and every tool go through it. Weights-only loading
refuses the objects mmengine itself writes into a checkpoint's ``meta`` (its
``HistoryBuffer`` and numpy arrays/scalars in the message hub): we allow exactly
those types, and any other pickled object is refused.

A checkpoint that loads is then checked against the model it goes into
(:func:`load_state_dict_checked`): every key must fit, and only the modules the
model declares in ``self_loading_modules`` (frozen networks that load their own
weights when built) may be absent.
"""
import ast
import fnmatch
import os.path as osp
import pickle

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader


class CheckpointError(ValueError):
    """A checkpoint that cannot be read, or does not fit the model or config; names the file."""


def _numpy_checkpoint_types():
    """numpy types that mmengine's message hub pickles into ``meta``."""
    multiarray = getattr(np, '_core', None) or np.core  # numpy 2 / numpy 1
    types = [np.ndarray, np.dtype, multiarray.multiarray.scalar, multiarray.multiarray._reconstruct]
    # numpy 2 pickles a dtype through its class, e.g. np.dtypes.Float64DType.
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is not None:
        for name in ('Float16DType', 'Float32DType', 'Float64DType', 'Int32DType',
                     'Int64DType', 'UInt8DType', 'BoolDType'):
            types.append(getattr(dtypes, name))
    return types


def history_buffer_statistic(owner, name):
    """Stands in for ``getattr`` while unpickling, for HistoryBuffer's statistics only.

    A ``HistoryBuffer`` pickles its ``statistics_methods`` (``HistoryBuffer.min``
    and so on) as ``getattr(HistoryBuffer, 'min')``. Allowing the builtin
    ``getattr`` would open every attribute of every allowed type; this resolves
    exactly the methods of HistoryBuffer and refuses anything else.
    """
    method = getattr(HistoryBuffer, name, None) if owner is HistoryBuffer else None
    if not callable(method) or name.startswith('_'):
        raise pickle.UnpicklingError(f'refusing getattr({owner!r}, {name!r}) in a checkpoint')
    return method


MMENGINE_CHECKPOINT_TYPES = [HistoryBuffer, *_numpy_checkpoint_types(),
                             (history_buffer_statistic, 'builtins.getattr')]


def allow_mmengine_checkpoint_types():
    """Allow-list the types of mmengine's checkpoint ``meta`` for weights_only loading.

    Called when ``dapfsr`` is imported, so mmengine's own ``torch.load`` calls
    (``resume``, ``load_from``, ``load_checkpoint``) succeed on torch >= 2.6.
    """
    torch.serialization.add_safe_globals(MMENGINE_CHECKPOINT_TYPES)


def load_checkpoint_file(path, map_location='cpu'):
    """Load a checkpoint with ``weights_only=True`` and a clear error.

    Args:
        path (str): A ``.pth``/``.pt`` file (tensors, plain containers and the
            mmengine meta types above) or a ``.safetensors`` file.
        map_location: As for ``torch.load``.

    Returns:
        dict: The loaded object.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        CheckpointError: The file is not a checkpoint (or is cut short) or
            holds objects that weights-only loading refuses; the message names the file.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'checkpoint not found: {path}')
    if path.endswith('.safetensors'):
        from safetensors.torch import load_file
        return load_file(path, device=str(map_location))
    allow_mmengine_checkpoint_types()
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:  # torch raises UnpicklingError, RuntimeError, EOFError ...
        not_torch = not_a_torch_file(path)
        if not_torch:
            raise CheckpointError(f'cannot load checkpoint {path}: not a PyTorch checkpoint '
                                  f'({not_torch})') from err
        text = ' '.join(str(err).split())
        reason = text.split('WeightsUnpickler error:')[-1].strip()[:300]
        if 'central directory' in text:
            reason = 'the file is cut short or corrupt (its zip archive has no central directory)'
        elif isinstance(err, (EOFError, IndexError)) or 'unexpected EOF' in text:
            reason = f'the file is cut short or corrupt ({type(err).__name__}: {reason})'
        else:
            reason = f'{type(err).__name__}: {reason}'
        raise CheckpointError(f'cannot load checkpoint {path} with weights_only=True: {reason}') from err


# how torch.save files begin: a zip archive (torch >= 1.6), or (older torch) a pickle of its magic number
ZIP_MAGIC = b'PK\x03\x04'
LEGACY_TORCH_MAGIC = b'\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19'


def not_a_torch_file(path):
    """Why ``path`` cannot be a file of ``torch.save`` at all ('the file is empty', ...),
    judged by its first bytes; '' when it starts as one (a zip archive, or the legacy format)."""
    try:
        with open(path, 'rb') as f:
            head = f.read(len(LEGACY_TORCH_MAGIC))
    except OSError as err:
        return f'unreadable: {err.strerror or err}'
    if not head:
        return 'the file is empty'
    if head.startswith(ZIP_MAGIC) or LEGACY_TORCH_MAGIC.startswith(head):
        return ''
    if head.startswith(b'\x80'):
        return 'a pickle, but not one torch.save wrote'
    return (f'it begins with the bytes {head[:4].hex(" ")}: neither a zip archive, as torch.save '
            'writes, nor a pickle')


# replaces mmengine's loader of local paths (prefix ''), which calls torch.load without weights_only
@CheckpointLoader.register_scheme(prefixes='', force=True)
def load_local_checkpoint(filename, map_location=None):
    return load_checkpoint_file(osp.expanduser(filename), map_location)


def state_dict_from_checkpoint(checkpoint, prefix=None):
    """The parameter dict of a loaded checkpoint.

    Accepts an mmengine checkpoint (``state_dict``), a bare state dict, or a
    dict with the key ``prefix`` (e.g. rosinality's ``g_ema``). With ``prefix``
    given and present as a dotted key prefix, keeps those keys without it, and
    without the wrapper of a sub-module saved as an averaged model or DDP
    (:func:`unwrap_module_state`): ``generator_ema`` gives the bare EMA generator
    of a StyleGAN2 checkpoint whether it holds ``generator_ema.module.*`` and
    ``generator_ema.steps`` or (written before) ``generator_ema.*``.
    """
    state = checkpoint.get('state_dict', checkpoint) if isinstance(checkpoint, dict) else None
    if not isinstance(state, dict):
        raise CheckpointError('checkpoint holds no state dict')
    if prefix is None:
        return state
    if prefix in state and isinstance(state[prefix], dict):
        return state[prefix]
    head = prefix + '.'
    picked = {k[len(head):]: v for k, v in state.items() if k.startswith(head)}
    if not picked:
        raise KeyError(f'no key starts with {head!r}; keys begin with '
                       f'{sorted({k.split(".")[0] for k in state})}')
    return unwrap_module_state(picked)


def unwrap_module_state(state):
    """The wrapped network's own state dict from a wrapper's: mmengine's averaged
    models (``BaseAveragedModel``: ``module.*`` and the update count ``steps``) and
    DDP (``module.*``). Any other state dict is returned as it is."""
    inner = {k[len('module.'):]: v for k, v in state.items() if k.startswith('module.')}
    if inner and all(k.startswith('module.') or k == 'steps' for k in state):
        return inner
    return state


def upgrade_state_dict(model, state):
    """``state`` (a copy) with the keys of an older layout renamed by ``model``'s own
    ``upgrade_state_dict(state)`` when it has one (e.g. StyleGAN2's EMA generator,
    once stored bare and now an averaged model); else ``state`` itself."""
    upgrade = getattr(model, 'upgrade_state_dict', None)
    return upgrade(dict(state)) if callable(upgrade) else state


def model_types(model_cfg, prefix=''):
    """The ``type`` of a model config and of its sub-module configs, by dotted path.

    ``{'': 'DAPFSR', 'encoder': 'DAPEncoder', 'encoder.backbone': ...}``: what
    :func:`check_model_types` compares between a checkpoint and a config.
    """
    types = {prefix: model_cfg['type']} if isinstance(model_cfg.get('type'), str) else {}
    for key, value in model_cfg.items():
        if isinstance(value, dict):
            types.update(model_types(value, f'{prefix}.{key}' if prefix else key))
    return types


def checkpoint_model_types(checkpoint):
    """The model types a checkpoint was trained as: its ``meta.model_types`` (written by
    ``DapfsrRunner`` into every training checkpoint and by ``publish_model.py``), else read
    from the config text mmengine saves in ``meta.cfg`` without executing it
    (:func:`config_text_model_types`); ``{}`` for a bare state dict.

    A checkpoint is data: nothing in it is ever run as code. ``Config.fromstring`` would
    execute ``meta.cfg`` (any Python a file's author put there), so it is never called on it.
    """
    meta = checkpoint.get('meta') if isinstance(checkpoint, dict) else None
    if not isinstance(meta, dict):
        return {}
    recorded = meta.get('model_types')
    if isinstance(recorded, dict):
        return {k: v for k, v in recorded.items() if isinstance(k, str) and isinstance(v, str)}
    if isinstance(meta.get('cfg'), str):
        return config_text_model_types(meta['cfg'])
    return {}


class _NotLiteral:
    """Stands for any part of a config text that is not a literal (a name, a call, ...)."""

    def __repr__(self):
        return '<not a literal>'


NOT_LITERAL = _NotLiteral()


def literal_value(node):
    """The value of an ``ast`` expression made of literals, ``dict(key=...)`` calls, lists
    and tuples; :data:`NOT_LITERAL` for any other part (names, calls, lambdas,
    comprehensions, operators). Only reads the tree: nothing is evaluated or imported."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)) \
            and isinstance(node.operand, ast.Constant) and isinstance(node.operand.value, (int, float)):
        return -node.operand.value if isinstance(node.op, ast.USub) else node.operand.value
    if isinstance(node, (ast.List, ast.Tuple)):
        return [literal_value(item) for item in node.elts]
    if isinstance(node, ast.Dict):
        return {k.value: literal_value(v) for k, v in zip(node.keys, node.values)
                if isinstance(k, ast.Constant) and isinstance(k.value, (str, int))}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == 'dict' \
            and not node.args:
        return {kw.arg: literal_value(kw.value) for kw in node.keywords if kw.arg is not None}
    return NOT_LITERAL


def config_text_model_types(text):
    """:func:`model_types` of the ``model = ...`` assignment of a config text (the
    ``meta.cfg`` mmengine writes), read from its syntax tree: literal parts only, nothing
    executed. ``{}`` when the text does not parse or has no literal ``model`` dict."""
    try:
        tree = ast.parse(text, mode='exec')
        model = None
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == 'model'
                                                    for t in node.targets):
                model = literal_value(node.value)
        return model_types(model) if isinstance(model, dict) else {}
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # not a config text we can read
        return {}


def is_same_or_subclass(built_type, trained_type):
    """Whether the registered model type ``built_type`` is ``trained_type`` or a subclass of it."""
    if built_type == trained_type:
        return True
    from dapfsr.registry import MODELS
    try:
        built_cls, trained_cls = MODELS.get(built_type), MODELS.get(trained_type)
    except Exception:  # a type whose module fails to import: not comparable
        return False
    return (isinstance(built_cls, type) and isinstance(trained_cls, type)
            and issubclass(built_cls, trained_cls))


def check_model_types(checkpoint, model_cfg, path, config_name='the config'):
    """Refuse a checkpoint trained as another model or profile than ``model_cfg`` builds.

    A registered subclass of the file's type is the same model (e.g. a user's ``DAPFSR``
    subclass that adds a loss term, docs/add_component.md): its keys are still checked
    when the weights load.

    Raises:
        CheckpointError: A module path both know has another type in each
            (e.g. ``encoder.backbone`` ResNet-50 in the config, EfficientNet-Lite0 in
            the file: a checkpoint of the other profile).
    """
    trained = checkpoint_model_types(checkpoint)
    built = model_types(model_cfg)
    differ = [(k, trained[k], built[k]) for k in built
              if k in trained and not is_same_or_subclass(built[k], trained[k])]
    if differ:
        where = ', '.join(f'{k or "model"}: {a} in the file, {b} in the config' for k, a, b in differ[:3])
        raise CheckpointError(f'{path} was trained as another model than {config_name} builds '
                              f'({where}): a checkpoint of another profile or method?')


def checkpoint_keys(model):
    """The state-dict keys a checkpoint of ``model`` must hold: all but those under its
    ``self_loading_modules``."""
    optional = tuple(f'{name}.' for name in getattr(model, 'self_loading_modules', ()))
    return [k for k in model.state_dict() if not k.startswith(optional)]


def load_state_dict_checked(model, state, path, allow_missing=(), what=None):
    """Load ``state`` into ``model`` after checking that it fits.

    Keys of an older layout are renamed first when the model knows them
    (:func:`upgrade_state_dict`). Every key of ``state`` must be one of the model's,
    with its shape, and every key
    of the model must be in ``state``, except those under the model's
    ``self_loading_modules`` (frozen networks built with their own weights, which
    ``publish_model.py --drop`` leaves out) and those ``allow_missing`` names.
    Nothing is loaded when anything does not fit.

    Args:
        model (nn.Module): The target.
        state (dict): Its state dict as read from ``path`` (keys already renamed).
        path (str): The file ``state`` came from, named in errors.
        allow_missing (Sequence[str]): ``fnmatch`` patterns of the model's keys that
            ``state`` may lack; they keep the values the model was built with
            (e.g. ``('latent_mean', 'latent_std')``, which a StyleGAN2 release does
            not have, or ``('*.num_batches_tracked',)``).
        what (str, optional): How errors name the target; its class name by default.

    Raises:
        CheckpointError: Naming ``path``, the model and the first keys that do not fit.
    """
    state = upgrade_state_dict(model, state)
    own = model.state_dict()
    required = set(checkpoint_keys(model))
    allow_missing = (allow_missing, ) if isinstance(allow_missing, str) else tuple(allow_missing)
    missing = [k for k in own if k not in state and k in required
               and not any(fnmatch.fnmatchcase(k, pattern) for pattern in allow_missing)]
    unexpected = [k for k in state if k not in own]
    wrong = [f'{k} {tuple(state[k].shape)} != {tuple(own[k].shape)}' for k in state
             if k in own and tuple(state[k].shape) != tuple(own[k].shape)]
    if missing or unexpected or wrong:
        parts = [f'{len(v)} {kind} ({", ".join(v[:3])}{", ..." if len(v) > 3 else ""})'
                 for kind, v in (('missing', missing), ('unexpected', unexpected),
                                 ('of another shape', wrong)) if v]
        raise CheckpointError(f'{path} does not fit {what or type(model).__name__}: keys '
                              + '; '.join(parts))
    model.load_state_dict(state, strict=False)


def check_checkpoint_for_config(path, cfg):
    """Read ``path`` and refuse it when it was trained as another model than ``cfg.model``
    (:func:`check_model_types`); before the model is built, so a checkpoint of another
    profile is named as such instead of the config asking for that profile's weights.

    Returns:
        dict: The loaded checkpoint.
    """
    checkpoint = load_checkpoint_file(path)
    check_model_types(checkpoint, cfg['model'], path, getattr(cfg, 'filename', None) or 'the config')
    return checkpoint


def load_model_weights(model, path, model_cfg=None, config_name='the config', loaded=None):
    """Load the checkpoint file ``path`` into ``model``, weights-only and checked.

    Args:
        model (nn.Module): The built model (unwrapped).
        path (str): An mmengine checkpoint, a published one or a bare state dict.
        model_cfg (dict, optional): The config ``model`` was built from; when
            given, the file's recorded model types must agree (:func:`check_model_types`).
        config_name (str): How errors name the config.
        loaded (dict, optional): ``path`` already read by :func:`load_checkpoint_file`.

    Returns:
        dict: The loaded checkpoint.
    """
    checkpoint = loaded if loaded is not None else load_checkpoint_file(path)
    if model_cfg is not None:
        check_model_types(checkpoint, model_cfg, path, config_name)
    try:
        state = state_dict_from_checkpoint(checkpoint)
    except CheckpointError as err:
        raise CheckpointError(f'{path}: {err}') from None
    # DataParallel / DDP checkpoints saved from the wrapper
    state = {k[len('module.'):] if k.startswith('module.') else k: v for k, v in state.items()}
    load_state_dict_checked(model, state, path)
    return checkpoint
