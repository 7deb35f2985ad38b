"""Super-resolve a folder of LR faces or of whole photos, one PNG per input.

    python tools/infer.py CONFIG [CHECKPOINT] INPUT_DIR OUTPUT_DIR [--adapted DELTA] \
        [--recursive] [--batch-size N] [--device cpu|cuda[:i]] [--skip-existing] \
        [--detect | --no-detect] [--save-crops] [--side-by-side] [--photo-scale K] \
        [--min-face-size PX] [--large-faces] [--as-drawn] [--gray] [--cfg-options KEY=VALUE ...]

    python tools/infer.py configs/dapfsr/dapfsr_small_17k_celeba-hq.py \
        checkpoints/dapfsr_small_celebahq.pth lr_faces/ sr_faces/    # 16x16 in, 64x64 out
    python tools/infer.py configs/bicubic/bicubic_x4_celeba-hq.py lr_faces/ sr_faces/

The work is :func:`dapfsr.apis.super_resolve_folder`'s (output names, crops or photos, no
output over an input); this tool parses the arguments, loads the model and says what was done.
The demo photo: ``tools/misc/demo_photo.py``.
"""
import argparse
import os.path as osp
import sys

import torch
from mmengine.config import DictAction
from tqdm import tqdm

from dapfsr.apis import init_model, plan_folder, super_resolve_folder
from dapfsr.apis.photo import CROP_MAX_FACTOR
from dapfsr.datasets.base_face_dataset import IMAGE_EXTENSIONS
from dapfsr.models.detectors import DetectorUnavailable
from dapfsr.utils.checkpoint import checkpoint_keys
from dapfsr.utils.config import ConfigKeyError, load_config
from dapfsr.utils.user_errors import InputError, check_config_types, library_error_message

DESCRIPTION = """\
Super-resolve a folder of LR faces or of photos with a dapfsr model, one PNG per input.
The model takes square LR faces at its LR size (the config's scale_lr), aligned
like its training faces, and gives faces at its HR size. The committed checkpoint
checkpoints/dapfsr_small_celebahq.pth goes with configs/dapfsr/dapfsr_small_17k_celeba-hq.py:
16x16 LR in, 64x64 out. Face crops of other sizes are resized to the LR size with
MATLAB bicubic (with a warning). In photos, the faces are found (MTCNN), aligned to
the training crop, super-resolved and blended back into the photo, enlarged.
"""
EPILOG = """\
Photos or crops: by default an input up to 2x the LR side is a face crop, a larger one
is a photo if a face is found in it, and one larger than 8x the LR side is a photo
either way (written unchanged, with a message, when no face is found); --detect and
--no-detect decide for every input.
Output names: the input path relative to INPUT_DIR plus .png (a.jpg -> a.jpg.png);
for photos also a.jpg.face0.lr.png, a.jpg.face0.sr.png (--save-crops) and
a.jpg.compare.png (--side-by-side). Outputs of an earlier run in OUTPUT_DIR are replaced
(the summary counts them); --skip-existing keeps them and skips their inputs. No output
is ever written over an input file.
Exit status: 0 when every image was written (or kept by --skip-existing); 1 when any
input was skipped or not written, or the model could not be loaded; 2 for bad arguments.
"""


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f'must be >= 1, got {value}')
    return value


def positive_float(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f'must be > 0, got {text}')
    return value


def build_parser():
    parser = argparse.ArgumentParser(prog='infer.py', description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='model config, e.g. configs/dapfsr/dapfsr_small_17k_celeba-hq.py')
    parser.add_argument('checkpoint', nargs='?',
                        help='model weights (none for parameter-free baselines such as bicubic)')
    parser.add_argument('input_dir', help='folder of LR face images')
    parser.add_argument('output_dir',
                        help='folder for the SR faces (created; must not be INPUT_DIR)')
    parser.add_argument('--adapted', help='adapted parameters written by tools/adapt.py, '
                        'applied on top of CHECKPOINT (which must be their source)')
    parser.add_argument('--recursive', action='store_true',
                        help='also read subfolders, mirrored in OUTPUT_DIR')
    parser.add_argument('--batch-size', type=positive_int, default=16,
                        help='faces per forward pass (default: 16)')
    parser.add_argument('--device', default='cpu', help='torch device, e.g. cpu, cuda, cuda:1 '
                        '(default: cpu)')
    parser.add_argument('--skip-existing', action='store_true',
                        help='leave the outputs that exist in OUTPUT_DIR (an earlier run\'s) and '
                        'process only the inputs without one; by default they are replaced and counted')
    photos = parser.add_argument_group('photos')
    mode = photos.add_mutually_exclusive_group()
    mode.add_argument('--detect', dest='mode', action='store_const', const='photo',
                      help='take every input as a photo: find its faces')
    mode.add_argument('--no-detect', dest='mode', action='store_const', const='crop',
                      help='take every input as a face crop (no face detection)')
    photos.add_argument('--save-crops', action='store_true',
                        help='also write each face of a photo as the model saw it and drew it: '
                        'NAME.faceI.lr.png, NAME.faceI.sr.png')
    photos.add_argument('--side-by-side', action='store_true',
                        help='also write NAME.compare.png for each photo with faces: each face '
                        'as input pixels, bicubic and ours')
    photos.add_argument('--photo-scale', type=positive_float, default=None,
                        help='how much photos are enlarged (default: so that the smallest face '
                        'gets the SR face at its own resolution, at most the model\'s HR / LR)')
    photos.add_argument('--large-faces', action='store_true',
                        help='also replace faces whose crop is already as large as the model\'s '
                        'output (left as they are by default: the model would blur them)')
    photos.add_argument('--as-drawn', action='store_true',
                        help='paste the model\'s faces as drawn (colour matched only), without '
                        'making them consistent with the photo\'s pixels (the default projection '
                        'keeps the photo\'s colours, smile and eyes)')
    photos.add_argument('--min-face-size', type=positive_float, default=12.0,
                        help='smallest face sought in photos, in pixels (default: 12)')
    parser.add_argument('--gray', action='store_true', default=None,
                        help='gray output (default: the config\'s gray_output, for gray target '
                        'domains; gray inputs give gray output anyway)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, metavar='KEY=VALUE',
                        help='override config settings, key=value, checked against the config as '
                        'tools/test.py does; put it last: it takes every word after it')
    return parser


def parse_args():
    parser = build_parser()
    args = parser.parse_intermixed_args()
    if not osp.isdir(args.input_dir):
        parser.error(f'input folder not found: {args.input_dir}')
    if osp.realpath(args.input_dir) == osp.realpath(args.output_dir):
        parser.error(f'the output folder is the input folder ({args.output_dir}); give another one')
    if osp.exists(args.output_dir) and not osp.isdir(args.output_dir):
        parser.error(f'output folder is a file: {args.output_dir}')
    try:
        device = torch.device(args.device)
    except RuntimeError:
        parser.error(f'not a torch device: {args.device!r} (e.g. cpu, cuda, cuda:0)')
    if device.type == 'cuda' and not torch.cuda.is_available():
        parser.error(f'--device {args.device}: no CUDA GPU is available here; use --device cpu')
    try:
        torch.empty(0, device=device)
    except (RuntimeError, AssertionError) as err:
        parser.error(f'--device {args.device} cannot be used: {str(err).strip().splitlines()[0]}')
    return args


def examples(paths, shown=5):
    return ', '.join(paths[:shown]) + (f', ... ({len(paths)} in all)' if len(paths) > shown else '')


def report_unread(others, unread):
    if others:
        kinds = sorted({osp.splitext(p)[1].lower() or '(no extension)' for p in others})
        print(f'ignored {len(others)} files that are not images ({", ".join(kinds)}; '
              f'read: {" ".join(IMAGE_EXTENSIONS)}): {examples(others)}', file=sys.stderr)
    if unread:
        print(f'did not read {len(unread)} subfolders (use --recursive): {examples(unread)}',
              file=sys.stderr)


def report_resized(shapes, size):
    """One line per kind of resize that inputs, (path, (h, w)) pairs, went through."""
    lr = f'the model\'s {size}x{size} LR size'
    kinds = [
        (f'warning: {{}} inputs are not square: resizing them to {lr} loses their aspect ratio',
         lambda h, w: h != w),
        (f'warning: {{}} inputs are larger than {lr} and were shrunk to it: these tools expect LR '
         'faces at that size, aligned (detecting and aligning faces in photos is separate work)',
         lambda h, w: max(h, w) > size),
        (f'note: {{}} inputs are smaller than {lr} and were upsampled to it',
         lambda h, w: max(h, w) < size),
    ]
    for text, applies in kinds:
        hit = [f'{path} ({w}x{h})' for path, (h, w) in shapes if applies(h, w)]
        if hit:
            print(f'{text.format(len(hit))}: {examples(hit, 3)}', file=sys.stderr)


def report(summary):
    """The summary's messages; exit status 1 when any input failed."""
    report_resized(summary.resized, summary.lr_size)
    if summary.skipped:
        print(f'--skip-existing: {summary.skipped} inputs already had an output in {summary.output_dir}, '
              'left as it was', file=sys.stderr)
    if summary.replaced:
        print(f'replaced {summary.replaced} outputs of an earlier run in {summary.output_dir} '
              '(--skip-existing keeps them)', file=sys.stderr)
    if summary.auto_crops:
        print(f'note: {len(summary.auto_crops)} inputs larger than {CROP_MAX_FACTOR}x the LR size '
              'showed no face and were taken as face crops (--detect: as photos): '
              f'{examples(summary.auto_crops, 3)}', file=sys.stderr)
    if not summary.photos:
        print(f'wrote {summary.written} of {summary.total} faces to {summary.output_dir}')
    else:
        print(f'wrote {summary.written} of {summary.total} images to {summary.output_dir}: '
              f'{summary.crops} face crops, {summary.photos} photos with {summary.faces} faces '
              'super-resolved' + (f' ({summary.kept} larger ones left as they are)'
                                  if summary.kept else ''))
    if summary.no_face:
        print(f'{len(summary.no_face)} photos showed no face (written unchanged): '
              f'{examples(summary.no_face)}', file=sys.stderr)
    if summary.failed:
        print(f'{len(summary.failed)} of {summary.total} images failed:', file=sys.stderr)
        for path, reason in summary.failed:
            print(f'  {path}: {reason}', file=sys.stderr)
        sys.exit(1)


def load_model(args):
    """The model of CONFIG, CHECKPOINT and --adapted; a one-line error exit when it cannot be."""
    try:
        cfg = load_config(args.config, args.cfg_options)  # the --cfg-options keys checked
        check_config_types(cfg)
        model = init_model(cfg, args.checkpoint, adapted=args.adapted, device=args.device)
    except (OSError, ValueError, ConfigKeyError, InputError) as err:
        sys.exit(f'infer.py: error: {err}')
    except (KeyError, ImportError) as err:  # a config's type or custom_imports mmengine refuses
        message = library_error_message(err)
        if message is None:
            raise
        sys.exit(f'infer.py: error: {message}')
    if args.checkpoint is None and checkpoint_keys(model):  # weights beyond self-loading modules
        sys.exit(f'infer.py: error: the model of {args.config} has learnt parameters: '
                 'give CHECKPOINT')
    return model


def print_photo(path, result):
    print(f'{path}: {result.message}', file=sys.stdout if result.faces else sys.stderr)


def main():
    args = parse_args()
    plan = plan_folder(args.input_dir, args.output_dir, args.recursive, args.skip_existing,
                       [(args.config, 'CONFIG'), (args.checkpoint, 'CHECKPOINT'),
                        (args.adapted, '--adapted')])
    report_unread(plan.others, plan.unread)
    if not plan.total:
        sys.exit(f'infer.py: error: no images ({" ".join(IMAGE_EXTENSIONS)}) in {args.input_dir}')
    if plan.conflict:  # before the model is loaded: no output is written over an input
        print(f'infer.py: error: {plan.conflict}', file=sys.stderr)
        sys.exit(2)
    if not plan.images:
        print(f'--skip-existing: every one of the {plan.total} inputs has its output in '
              f'{args.output_dir}: nothing to do')
        return
    model = load_model(args)
    try:
        summary = super_resolve_folder(
            model, args.input_dir, args.output_dir, mode=args.mode, batch_size=args.batch_size,
            gray=args.gray, min_face_size=args.min_face_size, photo_scale=args.photo_scale,
            large_faces=args.large_faces, consistent=not args.as_drawn, save_crops=args.save_crops,
            side_by_side=args.side_by_side, plan=plan, on_photo=print_photo,
            progress=lambda images: tqdm(images, unit='image', disable=None))
    except DetectorUnavailable as err:
        sys.exit(f'infer.py: error: {err} (or --no-detect: every input a face crop)')
    report(summary)


if __name__ == '__main__':
    main()
