"""Make a small release file from a training checkpoint.

Keeps only the weights (no optimizer state, message hub or RNG state), optionally
a sub-module's alone and in float16, and names the file with its sha256 prefix::

    # the EMA generator of a StyleGAN2 run, as a bare StyleGANDecoder state dict (from
    # generator_ema.module.* of an averaged model, or generator_ema.* of older checkpoints)
    python tools/model_converters/publish_model.py work_dirs/gan/iter_20000.pth \
        checkpoints/stylegan2_small.pth --prefix generator_ema --fp16
    # a DAP-FSR run, without the frozen perceptual extractor (built from its own weights)
    python tools/model_converters/publish_model.py work_dirs/dapfsr/iter_8000.pth \
        checkpoints/dapfsr_small.pth --drop perceptual --fp16

The output holds ``{'state_dict': ..., 'meta': ...}`` with tensors only and loads
with ``torch.load(weights_only=True)``; float16 weights load into float32 models.
``meta.model_types`` records the model's sub-module types (from the training
config), so loading it into another model or profile is refused by name.
"""
import argparse
import hashlib
import os
import os.path as osp
import sys

from dapfsr.utils import CheckpointError, load_checkpoint_file, state_dict_from_checkpoint, torch_save_atomic
from dapfsr.utils.checkpoint import checkpoint_model_types
from dapfsr.utils.user_errors import InputError, check_output_file, same_file


def publish(src, dst, prefix=None, drop=(), fp16=False, hash_name=False):
    checkpoint = load_checkpoint_file(src)
    state = state_dict_from_checkpoint(checkpoint, prefix)
    state = {k: v for k, v in state.items() if not any(k.startswith(d + '.') for d in drop)}
    if fp16:
        state = {k: v.half() if v.is_floating_point() else v for k, v in state.items()}
    types = checkpoint_model_types(checkpoint)
    if prefix:  # the sub-module's own types, by their paths inside it
        types = {k[len(prefix) + 1:] if k != prefix else '': v for k, v in types.items()
                 if k == prefix or k.startswith(prefix + '.')}
    meta = checkpoint.get('meta', {}) if isinstance(checkpoint, dict) else {}
    meta = {k: meta[k] for k in ('iter', 'epoch', 'seed') if isinstance(meta.get(k), int)}
    meta.update(source=osp.basename(src), prefix=prefix or '', dropped=list(drop), fp16=fp16,
                model_types=types)
    torch_save_atomic(dict(state_dict=state, meta=meta), dst)
    if hash_name:
        with open(dst, 'rb') as f:
            digest = hashlib.sha256(f.read()).hexdigest()[:8]
        stem, ext = osp.splitext(dst)
        final = f'{stem}-{digest}{ext}'
        if same_file(final, src):
            os.remove(dst)
            raise InputError(f'the hashed name {final} is SRC ({src}); give another DST')
        os.replace(dst, final)
        dst = final
    return dst


def main():
    parser = argparse.ArgumentParser(description='Publish the weights of a checkpoint')
    parser.add_argument('src', help='training checkpoint')
    parser.add_argument('dst', help='output file (replaced if it exists; never SRC)')
    parser.add_argument('--prefix', help='keep only this sub-module (e.g. generator_ema), unprefixed '
                        '(and unwrapped when it is an averaged model)')
    parser.add_argument('--drop', nargs='*', default=[], help='sub-modules to leave out')
    parser.add_argument('--fp16', action='store_true', help='store floating-point tensors as float16')
    parser.add_argument('--hash-name', action='store_true', help='append the sha256 prefix to the name')
    args = parser.parse_args()
    try:
        check_output_file(args.dst, [('SRC', args.src)], 'DST')
    except InputError as err:
        parser.error(str(err))
    try:
        out = publish(args.src, args.dst, args.prefix, args.drop, args.fp16, args.hash_name)
    except (OSError, KeyError, CheckpointError, InputError) as err:
        sys.exit(f'publish_model.py: error: {str(err).strip(chr(39))}')
    print(f'{out}: {osp.getsize(out) / 2**20:.2f} MiB')


if __name__ == '__main__':
    main()
