"""An adapted model as a small file: its changed tensors on top of the source checkpoint.

File layout (a plain dict of tensors and strings: loads with ``weights_only=True``)::

    dict(state_dict={name: tensor, ...},          # the model's tensors that differ
         meta=dict(format='dapfsr-adapted-parameters', version=1,
                   source_checkpoint='path/as/given.pth', source_sha256='...',
                   adapted_keys=[...], adaptation='the adaptation config, as text'))

For DAMMA that is the AdaIN affines phi of the decoder: 4.2 M values (17 MB)
in the paper profile, whose decoder alone has 29 M; 2.2 MB against a 46 MB
checkpoint in the small profile.
"""
import hashlib
import os.path as osp

import torch
from mmengine.model import is_model_wrapper

from dapfsr.utils import (CheckpointError, load_checkpoint_file, state_dict_from_checkpoint,
                          torch_save_atomic)

FORMAT = 'dapfsr-adapted-parameters'


def file_sha256(path, chunk_size=1 << 20):
    """SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(chunk_size), b''):
            digest.update(chunk)
    return digest.hexdigest()


def adapted_parameters_path(deltas_dir, task):
    """Where ``tools/adapt.py --split S --exemplar-seed K`` writes (and the one-shot
    benchmark's ``deltas`` mode reads) the parameters of a protocol task."""
    return osp.join(deltas_dir, f'{task.split}_seed{task.seed}.pth')


def _unwrap(model):
    return model.module if is_model_wrapper(model) else model


def save_adapted_parameters(model, path, source_checkpoint, adaptation=None, exemplars=None,
                            reference_state=None):
    """Save the tensors of ``model`` that differ from those it was adapted from.

    Those are ``reference_state`` (the model's tensors before the adaptation) or,
    without it, the source checkpoint's; tensors the source does not hold are then
    not compared (modules that load their own weights when built).

    Args:
        model (nn.Module): The adapted model (its state-dict keys are those
            of the source checkpoint's ``state_dict``).
        path (str): Output file.
        source_checkpoint (str): The checkpoint the model was loaded from and
            adapted; its path and SHA-256 go into the meta.
        adaptation (dict | str, optional): The adaptation settings, kept as text.
        exemplars (dict, optional): What the adaptation learnt from, kept in the meta
            (e.g. ``dict(split=..., exemplar_seed=..., exemplars=[subjects])`` or
            ``dict(exemplar_hr=[files])``; ``tools/misc/delta_info.py`` prints it).
        reference_state (dict, optional): The model's state dict before adapting, which
            also covers a decoder that loaded from its own file.

    Returns:
        list[str]: The saved keys.

    Raises:
        CheckpointError: No tensor differs from the source: the adaptation adapted nothing
            (e.g. the model was not loaded from ``source_checkpoint``).
    """
    source = reference_state if reference_state is not None else \
        state_dict_from_checkpoint(load_checkpoint_file(source_checkpoint))
    changed = {name: tensor.detach().cpu().clone()
               for name, tensor in _unwrap(model).state_dict().items()
               if name in source and not torch.equal(tensor.cpu(), source[name].cpu())}
    if not changed:
        raise CheckpointError(f'no tensor of the model differs from {source_checkpoint}: the '
                         f'adaptation adapted nothing, {path} not written')
    meta = dict(format=FORMAT, version=1, source_checkpoint=str(source_checkpoint),
                source_sha256=file_sha256(source_checkpoint), adapted_keys=sorted(changed),
                adaptation=str(adaptation) if adaptation is not None else '', **(exemplars or {}))
    torch_save_atomic(dict(state_dict=changed, meta=meta), path)
    return sorted(changed)


def read_adapted_parameters(path):
    """Load an adapted-parameter file: (state_dict, meta), with a clear error on other files."""
    data = load_checkpoint_file(path)
    meta = data.get('meta') if isinstance(data, dict) else None
    if not isinstance(meta, dict) or meta.get('format') != FORMAT or not isinstance(
            data.get('state_dict'), dict):
        raise CheckpointError(f'{path} is not an adapted-parameter file (no meta.format == {FORMAT!r}); '
                         'tools/adapt.py writes these')
    return data['state_dict'], meta


def load_adapted_parameters(model, path, source_checkpoint=None):
    """Put the adapted tensors of ``path`` into ``model`` (already loaded from the source).

    Args:
        model (nn.Module): The model built and loaded from the source checkpoint.
        path (str): A file written by :func:`save_adapted_parameters`.
        source_checkpoint (str, optional): When given, its SHA-256 must match
            the one recorded at adaptation time.

    Returns:
        dict: The file's meta.

    Raises:
        CheckpointError: Not such a file, a checkpoint other than the recorded
            source, or keys/shapes the model lacks; the message names the file.
    """
    state, meta = read_adapted_parameters(path)
    if source_checkpoint is not None and file_sha256(source_checkpoint) != meta['source_sha256']:
        raise CheckpointError(f'{path} was adapted from {meta["source_checkpoint"]} (sha256 '
                         f'{meta["source_sha256"][:12]}...), not from {source_checkpoint}')
    own = _unwrap(model).state_dict()
    unknown = [k for k in state if k not in own]
    wrong = [(k, tuple(state[k].shape), tuple(own[k].shape)) for k in state
             if k in own and state[k].shape != own[k].shape]
    if unknown or wrong:
        raise CheckpointError(f'{path} does not fit this model: unknown keys {unknown[:4]}, '
                         f'wrong shapes (file, model) {wrong[:4]}')
    with torch.no_grad():
        for name, tensor in state.items():
            own[name].copy_(tensor)
    return meta
