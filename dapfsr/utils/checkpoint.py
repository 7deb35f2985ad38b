"""Checkpoint loading that keeps ``torch.load(weights_only=True)``.

mmengine 0.10.7 calls ``torch.load`` without ``weights_only``; torch >= 2.6
defaults it to True and then refuses the objects mmengine itself writes into a
checkpoint's ``meta`` (its ``HistoryBuffer`` and numpy arrays/scalars in the
message hub). We allow exactly those types, so resuming and ``load_from`` work
while any other pickled object is still refused.
"""
import os.path as osp
import pickle

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer


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
        ValueError: The file is not a checkpoint or holds objects that
            weights-only loading refuses; the message names the file.
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
        text = ' '.join(str(err).split())
        reason = text.split('WeightsUnpickler error:')[-1].strip()[:300]
        raise ValueError(f'cannot load checkpoint {path} with weights_only=True: '
                         f'{type(err).__name__}: {reason}') from err


def state_dict_from_checkpoint(checkpoint, prefix=None):
    """The parameter dict of a loaded checkpoint.

    Accepts an mmengine checkpoint (``state_dict``), a bare state dict, or a
    dict with the key ``prefix`` (e.g. rosinality's ``g_ema``). With ``prefix``
    given and present as a dotted key prefix, keeps those keys without it.
    """
    state = checkpoint.get('state_dict', checkpoint) if isinstance(checkpoint, dict) else None
    if not isinstance(state, dict):
        raise ValueError('checkpoint holds no state dict')
    if prefix is None:
        return state
    if prefix in state and isinstance(state[prefix], dict):
        return state[prefix]
    head = prefix + '.'
    picked = {k[len(head):]: v for k, v in state.items() if k.startswith(head)}
    if not picked:
        raise KeyError(f'no key starts with {head!r}; keys begin with '
                       f'{sorted({k.split(".")[0] for k in state})}')
    return picked
