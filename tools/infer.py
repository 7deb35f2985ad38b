"""Super-resolve a folder of LR faces, one PNG per input.

    python tools/infer.py CONFIG [CHECKPOINT] INPUT_DIR OUTPUT_DIR [--adapted DELTA] \
        [--recursive] [--batch-size N] [--device cpu|cuda[:i]]

    python tools/infer.py configs/dapfsr/celeba_hq_small.py \
        checkpoints/dapfsr_small_celebahq.pth lr_faces/ sr_faces/    # 16x16 in, 64x64 out
    python tools/infer.py configs/bicubic/bicubic_celeba_hq_small.py lr_faces/ sr_faces/

Output names: the input's path relative to INPUT_DIR plus ``.png`` (``a.jpg`` ->
``a.jpg.png``, ``sub/b.png`` -> ``sub/b.png.png`` with ``--recursive``), so two
inputs never share an output. Each PNG is written to a hidden temporary file in its
folder and renamed into place: a killed run leaves no partial image under a final name.

Inputs are brought to the model's LR size (``lr_size_of``) with MATLAB bicubic;
non-square, larger and smaller inputs are reported, as are files that are not
images and, without ``--recursive``, unread subfolders. Exit status: 0 when every
image was written; 1 when any was skipped or not written (each named, with the reason),
or the model could not be loaded; 2 for bad arguments.
"""
import argparse
import contextlib
import os
import os.path as osp
import sys

import cv2
import torch
from tqdm import tqdm

from dapfsr.apis import init_model, prepare_lr_face, super_resolve
from dapfsr.apis.inference import lr_size_of
from dapfsr.datasets.transforms.loading import read_image

IMAGE_EXTENSIONS = ('.png', '.jpg', '.jpeg', '.bmp', '.pgm', '.ppm', '.tif', '.tiff', '.webp')
DESCRIPTION = """\
Super-resolve a folder of LR faces with a dapfsr model, one PNG per input.
The model takes square LR faces at its LR size (the config's scale_lr), aligned
like its training faces, and gives faces at its HR size. The committed checkpoint
checkpoints/dapfsr_small_celebahq.pth goes with configs/dapfsr/celeba_hq_small.py:
16x16 LR in, 64x64 out. Other sizes are resized to the LR size with MATLAB bicubic
(with a warning); detecting and aligning faces in real photos is not part of this tool.
"""
EPILOG = """\
Output names: the input path relative to INPUT_DIR plus .png (a.jpg -> a.jpg.png).
Exit status: 0 when every image was written; 1 when any input was skipped or not
written, or the model could not be loaded; 2 for bad arguments.
"""


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f'must be >= 1, got {value}')
    return value


def build_parser():
    parser = argparse.ArgumentParser(prog='infer.py', description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='model config, e.g. configs/dapfsr/celeba_hq_small.py')
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


def list_inputs(root, recursive, output_dir):
    """Sorted paths relative to ``root``: (images, other files, unread subfolders), leaving
    out ``output_dir`` where it lies inside ``root``."""
    images, others, unread = [], [], []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders
                               if osp.realpath(osp.join(folder, d)) != osp.realpath(output_dir))
        if not recursive:
            unread += subfolders
            subfolders.clear()
        for name in sorted(files):
            path = osp.relpath(osp.join(folder, name), root)
            (images if name.lower().endswith(IMAGE_EXTENSIONS) else others).append(path)
    return images, others, unread


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


def write_png(path, img):
    """Write an (H, W, C) RGB/gray uint8 image as a PNG: a hidden temporary file, renamed."""
    ok, png = cv2.imencode('.png', cv2.cvtColor(img, cv2.COLOR_RGB2BGR) if img.shape[2] == 3
                           else img)
    if not ok:
        raise ValueError('PNG encoding failed')
    folder, name = osp.split(path)
    os.makedirs(folder, exist_ok=True)
    tmp = osp.join(folder, f'.{name}.{os.getpid()}.tmp')
    try:
        with open(tmp, 'wb') as f:
            f.write(png.tobytes())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


def main():
    args = parse_args()
    images, others, unread = list_inputs(args.input_dir, args.recursive, args.output_dir)
    report_unread(others, unread)
    if not images:
        sys.exit(f'infer.py: error: no images ({" ".join(IMAGE_EXTENSIONS)}) in {args.input_dir}')
    try:
        model = init_model(args.config, args.checkpoint, adapted=args.adapted, device=args.device)
    except (OSError, ValueError) as err:
        sys.exit(f'infer.py: error: {err}')
    if args.checkpoint is None and next(model.parameters(), None) is not None:
        sys.exit(f'infer.py: error: the model of {args.config} has learnt parameters: '
                 'give CHECKPOINT')
    size = lr_size_of(model)
    failed, shapes, written = [], [], 0
    for start in tqdm(range(0, len(images), args.batch_size), unit='batch', disable=None):
        faces, kept = [], []
        for path in images[start:start + args.batch_size]:
            try:
                img = read_image(osp.join(args.input_dir, path))
                faces.append(prepare_lr_face(img, size))
            except (OSError, ValueError) as err:
                failed.append((path, f'not read: {err}'))
                continue
            kept.append(path)
            shapes.append((path, img.shape[:2]))
        for path, sr in zip(kept, super_resolve(model, faces, args.batch_size)):
            try:
                write_png(osp.join(args.output_dir, path + '.png'), sr)
                written += 1
            except (OSError, ValueError) as err:
                failed.append((path, f'not written: {err}'))
    report_resized(shapes, size)
    print(f'wrote {written} of {len(images)} faces to {args.output_dir}')
    if failed:
        print(f'{len(failed)} of {len(images)} images failed:', file=sys.stderr)
        for path, reason in failed:
            print(f'  {path}: {reason}', file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
