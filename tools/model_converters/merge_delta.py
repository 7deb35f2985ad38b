"""Merge an adapted-parameter file (a delta of ``tools/adapt.py``) into its source checkpoint.

    python tools/model_converters/merge_delta.py checkpoints/dapfsr_small_celebahq.pth \
        work_dirs/adapt/adapted_parameters.pth checkpoints/dapfsr_small_yaleb.pth

The output is a plain checkpoint: ``tools/test.py CONFIG OUT`` and ``init_model(config,
OUT)`` give exactly the model (and the outputs) of ``CHECKPOINT`` with ``--adapted DELTA``.
Every tensor of the delta replaces the source's tensor of that name, in the delta's own
dtype (the adapted float32 values, not rounded to a float16 source), and every other entry
of the checkpoint, its meta (``model_types``: the profile check) included, is kept.

A delta's tensors the checkpoint does not hold are added: a DAP-FSR checkpoint carries no
decoder (the model loads it from ``model.decoder_checkpoint`` when built), so the merged
file holds the decoder's adapted tensors (DAMMA's phi) and the model still loads the rest
of the decoder from its ``decoder_checkpoint``: the one the delta was adapted on. The meta
records the merge (``merged_delta``: the delta's file name, SHA-256, adapted keys, the keys
added, the modules and SHA-256s of the state the delta was adapted on and gives, and the
adaptation config). When it added keys, loading it (``init_model``, ``tools/test.py``)
checks that the model's modules are then exactly the adapted ones: another decoder is
refused in one line.

CHECKPOINT must be the delta's source: its SHA-256 is checked, as ``--adapted`` checks
it. The output is written atomically and never over CHECKPOINT or DELTA; an existing
OUT is replaced only with ``--force``.
"""
import argparse
import os.path as osp
import sys

from dapfsr.adaptation.delta import file_sha256, read_adapted_parameters
from dapfsr.utils import (CheckpointError, load_checkpoint_file, state_dict_from_checkpoint,
                          torch_save_atomic)


def merge_delta(checkpoint, delta, out):
    """Write ``checkpoint`` with the tensors of ``delta`` in place to ``out``.

    Returns:
        tuple[list[str], list[str]]: The delta's keys, and those of them the checkpoint
        did not hold (added).

    Raises:
        CheckpointError: ``delta`` is not an adapted-parameter file (or a damaged one),
            was adapted from another checkpoint, or holds tensors of another shape.
    """
    state, meta = read_adapted_parameters(delta)
    if file_sha256(checkpoint) != meta['source_sha256']:
        raise CheckpointError(f'{delta} was adapted from {meta.get("source_checkpoint", "?")} (sha256 '
                              f'{meta["source_sha256"][:12]}...), not from {checkpoint}')
    loaded = load_checkpoint_file(checkpoint)
    source = dict(state_dict_from_checkpoint(loaded))
    # the model's key of each delta tensor, as saved in the checkpoint (DDP: 'module.' first)
    ddp = bool(source) and all(k.startswith('module.') for k in source)
    names = {k: f'module.{k}' if ddp else k for k in state}
    # a key the checkpoint lacks is a tensor the model loaded from elsewhere when the delta was
    # made (the decoder of DAP-FSR, from model.decoder_checkpoint): the checkpoint is the
    # delta's very source (its SHA-256 is checked above), so it is added
    added = sorted(k for k, name in names.items() if name not in source)
    wrong = [k for k, name in names.items()
             if name in source and tuple(source[name].shape) != tuple(state[k].shape)]
    if wrong:
        raise CheckpointError(f'{delta} does not fit {checkpoint}: keys of another shape {wrong[:4]}')
    for key, tensor in state.items():
        source[names[key]] = tensor.detach().clone()
    merged_meta = dict(loaded.get('meta') or {}) if isinstance(loaded, dict) and 'state_dict' in loaded \
        else {}
    merged_meta['merged_delta'] = dict(
        file=osp.basename(delta), sha256=file_sha256(delta), source_sha256=meta['source_sha256'],
        adapted_keys=sorted(state), added_keys=added, adaptation=meta.get('adaptation', ''),
        **{k: meta[k] for k in ('base_modules', 'base_sha256', 'adapted_sha256') if k in meta})
    if isinstance(loaded, dict) and 'state_dict' in loaded:
        merged = dict(loaded, state_dict=source, meta=merged_meta)
    else:  # a bare state dict: keep it bare but give it the meta
        merged = dict(state_dict=source, meta=merged_meta)
    torch_save_atomic(merged, out)
    return sorted(state), added


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='merge_delta.py', description='Merge the adapted parameters of tools/adapt.py into '
        'their source checkpoint: one plain checkpoint that loads without --adapted and gives '
        'the same outputs.')
    parser.add_argument('checkpoint', help='the source checkpoint the delta was adapted from')
    parser.add_argument('delta', help='adapted-parameter file written by tools/adapt.py')
    parser.add_argument('out', help='output checkpoint')
    parser.add_argument('--force', action='store_true', help='replace OUT if it exists')
    args = parser.parse_args(argv)
    for given, name in ((args.checkpoint, 'CHECKPOINT'), (args.delta, 'DELTA')):
        if osp.exists(args.out) and osp.samefile(args.out, given):
            parser.error(f'OUT is {name} ({given}); give another file')
    if osp.exists(args.out) and not args.force:
        parser.error(f'{args.out} exists; --force replaces it')
    try:
        keys, added = merge_delta(args.checkpoint, args.delta, args.out)
    except (OSError, CheckpointError) as err:
        sys.exit(f'merge_delta.py: error: {err}')
    print(f'wrote {args.out}: {args.checkpoint} with the {len(keys)} adapted tensors of '
          f'{args.delta} ({osp.getsize(args.out) / 2**20:.2f} MiB)')
    if added:
        modules = ', '.join(sorted({k.split('.')[0] for k in added}))
        print(f'{len(added)} of them are tensors of {modules} that {args.checkpoint} does not hold: '
              f'the model loads the rest of {modules} as it did for the adaptation (e.g. from '
              'model.decoder_checkpoint), which must be the same file')


if __name__ == '__main__':
    main()
