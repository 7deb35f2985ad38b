"""An adapted model as a small file: its changed tensors on top of the source checkpoint.

File layout (a plain dict of tensors and strings: loads with ``weights_only=True``)::

    dict(state_dict={name: tensor, ...},          # the model's tensors that differ
         meta=dict(format='dapfsr-adapted-parameters', version=2,
                   source_checkpoint='path/as/given.pth', source_sha256='...',
                   base_modules=['decoder'], base_sha256='...', adapted_sha256='...',
                   adapted_keys=[...], adaptation='the adaptation config, as text'))

``source_sha256`` is the SHA-256 of the checkpoint file the model was loaded from;
``base_sha256`` (version 2) that of the model's state, before the adaptation, under
``base_modules`` (the top-level modules of the adapted keys): the tensors the delta
sits on top of, wherever they came from; ``adapted_sha256`` that of the same modules
after the adaptation (what a checkpoint merged from the delta must give when loaded). A DAP-FSR checkpoint carries no decoder (it
loads from ``model.decoder_checkpoint`` when built), so only ``base_sha256`` tells the
decoder the delta was adapted on; loading refuses a model with another one. Version 1
files (without it) still load, with a warning that the decoder is not checked.

For DAMMA that is the AdaIN affines phi of the decoder: 4.2 M values (17 MB)
in the paper profile, whose decoder alone has 29 M; 2.2 MB against a 46 MB
checkpoint in the small profile.
"""
import hashlib
import logging
import os.path as osp
import re

import torch
from mmengine.logging import print_log

from dapfsr.utils import (CheckpointError, load_checkpoint_file, state_dict_from_checkpoint,
                          torch_save_atomic)
from dapfsr.utils.distributed import unwrap_model

FORMAT = 'dapfsr-adapted-parameters'
VERSION = 2  # 2: base_modules and base_sha256, the state the delta sits on
READABLE_VERSIONS = (1, 2)
SHA256 = re.compile(r'[0-9a-f]{64}')


def file_sha256(path, chunk_size=1 << 20):
    """SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(chunk_size), b''):
            digest.update(chunk)
    return digest.hexdigest()


def base_modules_of(keys):
    """The top-level modules of state-dict keys (``decoder`` of ``decoder.convs.0...``)."""
    return sorted({key.split('.')[0] for key in keys})


def state_sha256(state, modules):
    """SHA-256 of the tensors of ``state`` under the top-level ``modules``: their names,
    dtypes, shapes and values, in key order (the same on any device)."""
    heads = tuple(f'{module}.' for module in modules)
    digest = hashlib.sha256()
    for name in sorted(k for k in state if k.startswith(heads)):
        tensor = state[name].detach().cpu().contiguous().reshape(-1)
        digest.update(f'{name} {tensor.dtype} {tuple(state[name].shape)}\n'.encode())
        digest.update(tensor.view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def adapted_parameters_path(deltas_dir, task):
    """Where ``tools/adapt.py --split S --exemplar-seed K`` writes (and the one-shot
    benchmark's ``deltas`` mode reads) the parameters of a protocol task."""
    return osp.join(deltas_dir, f'{task.split}_seed{task.seed}.pth')


def _unwrap(model):
    return unwrap_model(model)


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
    own = _unwrap(model).state_dict()
    source = reference_state if reference_state is not None else \
        state_dict_from_checkpoint(load_checkpoint_file(source_checkpoint))
    changed = {name: tensor.detach().cpu().clone()
               for name, tensor in own.items()
               if name in source and not torch.equal(tensor.cpu(), source[name].cpu())}
    if not changed:
        raise CheckpointError(f'no tensor of the model differs from {source_checkpoint}: the '
                         f'adaptation adapted nothing, {path} not written')
    # the model as it was before the adaptation, in its own dtypes (a float16 source loads
    # into float32 tensors); tensors the source lacks as they are
    before = {name: source[name].to(tensor.dtype) if name in source else tensor
              for name, tensor in own.items()}
    modules = base_modules_of(changed)
    meta = dict(format=FORMAT, version=VERSION, source_checkpoint=str(source_checkpoint),
                source_sha256=file_sha256(source_checkpoint), base_modules=modules,
                base_sha256=state_sha256(before, modules),
                adapted_sha256=state_sha256(own, modules), adapted_keys=sorted(changed),
                adaptation=str(adaptation) if adaptation is not None else '', **(exemplars or {}))
    torch_save_atomic(dict(state_dict=changed, meta=meta), path)
    return sorted(changed)


def read_adapted_parameters(path):
    """Load an adapted-parameter file: (state_dict, meta), checked whole.

    Raises:
        CheckpointError: One line naming ``path``: not such a file, a format version this
            code does not read, no tensors, tensors or keys other than the meta lists,
            or no valid record of the checkpoint (and, version 2, the state) it was
            adapted on.
    """
    data = load_checkpoint_file(path)
    meta = data.get('meta') if isinstance(data, dict) else None
    if not isinstance(meta, dict) or meta.get('format') != FORMAT or not isinstance(
            data.get('state_dict'), dict):
        raise CheckpointError(f'{path} is not an adapted-parameter file (no meta.format == {FORMAT!r}); '
                         'tools/adapt.py writes these')
    state, version = data['state_dict'], meta.get('version')
    if version not in READABLE_VERSIONS:
        raise CheckpointError(f'{path} is an adapted-parameter file of format version {version!r}, '
                              f'which this dapfsr does not read (it reads versions '
                              f'{", ".join(map(str, READABLE_VERSIONS))}): written by a newer dapfsr?')
    if not state:
        raise CheckpointError(f'{path} holds no adapted tensors: an adaptation that adapted '
                              'nothing, or a damaged file')
    not_tensors = [k for k, v in state.items() if not isinstance(k, str) or not torch.is_tensor(v)]
    if not_tensors:
        raise CheckpointError(f'{path}: its state_dict holds entries that are not named tensors '
                              f'({not_tensors[:3]}): a damaged file')
    if 'adapted_keys' in meta and sorted(meta['adapted_keys'] or []) != sorted(state):
        raise CheckpointError(f'{path}: its tensors are not those its meta.adapted_keys lists '
                              f'({len(state)} tensors, {len(meta["adapted_keys"] or [])} keys): '
                              'a damaged or edited file')
    required = [('source_sha256', 'the checkpoint it was adapted from')]
    if version >= 2:
        required += [('base_sha256', 'the state it was adapted on'),
                     ('adapted_sha256', 'the state it gives')]
    for key, what in required:
        if not isinstance(meta.get(key), str) or not SHA256.fullmatch(meta[key]):
            raise CheckpointError(f'{path} does not record {what} (meta.{key} '
                                  f'{"missing" if key not in meta else "is no SHA-256"}): not a file '
                                  'of tools/adapt.py, or a damaged one')
    if version >= 2 and (not isinstance(meta.get('base_modules'), list) or not meta['base_modules']
                         or sorted(meta['base_modules']) != base_modules_of(state)):
        raise CheckpointError(f'{path}: meta.base_modules ({meta.get("base_modules")!r}) is not the '
                              f'modules of its tensors ({base_modules_of(state)}): a damaged file')
    return state, meta


def check_adapted_on(model_state, meta, path):
    """Refuse a model whose state under the delta's ``base_modules`` is not the one the
    delta was adapted on (``base_sha256``): e.g. another ``model.decoder_checkpoint``.
    A version-1 file records none: a warning says that the decoder is not checked."""
    if meta.get('version', 1) < 2:
        print_log(f'{path} (an adapted-parameter file of version 1) does not record the decoder '
                  'it was adapted on: not checked', logger='current', level=logging.WARNING)
        return
    modules = meta['base_modules']
    actual = state_sha256(model_state, modules)
    if actual != meta['base_sha256']:
        raise CheckpointError(
            f'{path} was adapted on another {"/".join(modules)} than this model has (sha256 of its '
            f'state {meta["base_sha256"][:12]}..., this model\'s {actual[:12]}...): build the model '
            f'as it was adapted (the same model.decoder_checkpoint and checkpoint)')


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
        CheckpointError: Not such a file (:func:`read_adapted_parameters`), a checkpoint
            other than the recorded source, keys/shapes the model lacks, or a model whose
            tensors under the adapted modules are not those it was adapted on (another
            decoder: :func:`check_adapted_on`); the message names the file.
    """
    state, meta = read_adapted_parameters(path)
    if source_checkpoint is not None and file_sha256(source_checkpoint) != meta['source_sha256']:
        raise CheckpointError(f'{path} was adapted from {meta.get("source_checkpoint", "?")} (sha256 '
                         f'{meta["source_sha256"][:12]}...), not from {source_checkpoint}')
    own = _unwrap(model).state_dict()
    unknown = [k for k in state if k not in own]
    wrong = [(k, tuple(state[k].shape), tuple(own[k].shape)) for k in state
             if k in own and state[k].shape != own[k].shape]
    if unknown or wrong:
        raise CheckpointError(f'{path} does not fit this model: unknown keys {unknown[:4]}, '
                         f'wrong shapes (file, model) {wrong[:4]}')
    check_adapted_on(own, meta, path)
    with torch.no_grad():
        for name, tensor in state.items():
            own[name].copy_(tensor)
    return meta


def check_merged_checkpoint(model, checkpoint, path):
    """After ``checkpoint`` (read from ``path``) was loaded into ``model``: refuse it when it
    was merged from a delta (``tools/model_converters/merge_delta.py``) by adding tensors its
    source did not hold (the adapted decoder tensors of a DAP-FSR checkpoint) and the model's
    own tensors around them (its ``model.decoder_checkpoint``) are not those the delta was
    adapted on: the loaded modules must be exactly the adapted ones."""
    meta = checkpoint.get('meta') if isinstance(checkpoint, dict) else None
    merged = meta.get('merged_delta') if isinstance(meta, dict) else None
    if not isinstance(merged, dict) or not merged.get('added_keys') or not isinstance(
            merged.get('adapted_sha256'), str) or not isinstance(merged.get('base_modules'), list):
        return
    modules = merged['base_modules']
    actual = state_sha256(_unwrap(model).state_dict(), modules)
    if actual != merged['adapted_sha256']:
        raise CheckpointError(
            f'{path} holds {len(merged["added_keys"])} adapted tensors of the {"/".join(modules)} '
            f'(merged from {merged.get("file", "a delta")}) that were adapted on another '
            f'{"/".join(modules)} than this model has (sha256 of the adapted state '
            f'{merged["adapted_sha256"][:12]}..., this model\'s {actual[:12]}...): build the model '
            'as it was adapted (the same model.decoder_checkpoint)')
