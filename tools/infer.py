"""Super-resolve a folder of LR faces or of whole photos, one PNG per input.

    python tools/infer.py CONFIG [CHECKPOINT] INPUT_DIR OUTPUT_DIR [--adapted DELTA] \
        [--recursive] [--batch-size N] [--device cpu|cuda[:i]] \
        [--detect | --no-detect] [--save-crops] [--side-by-side] [--photo-scale K] \
        [--min-face-size PX] [--as-drawn] [--gray] [--cfg-options KEY=VALUE ...]
    python tools/infer.py --demo-photo photos/astronaut.png [--demo-face-size 20]

    python tools/infer.py configs/dapfsr/dapfsr_small_17k_celeba-hq.py \
        checkpoints/dapfsr_small_celebahq.pth lr_faces/ sr_faces/    # 16x16 in, 64x64 out
    python tools/infer.py configs/bicubic/bicubic_x4_celeba-hq.py lr_faces/ sr_faces/

Output names: the input's path relative to INPUT_DIR plus ``.png`` (``a.jpg`` ->
``a.jpg.png``, ``sub/b.png`` -> ``sub/b.png.png`` with ``--recursive``), so two
inputs never share an output. Each PNG is written to a hidden temporary file in its
folder and renamed into place: a killed run leaves no partial image under a final name.
An output that exists (an earlier run's) is replaced, and the summary says how many were;
``--skip-existing`` keeps them and processes only the inputs without an output (to finish an
interrupted run). No output is ever written over an input (an image, CONFIG, CHECKPOINT or
``--adapted``): such a run stops before the model is loaded.

Face crops are brought to the model's LR size (``lr_size_of``) with MATLAB bicubic;
non-square, larger and smaller inputs are reported, as are files that are not
images and, without ``--recursive``, unread subfolders. Photos
(:mod:`dapfsr.apis.photo`): each face found is aligned to the training crop,
super-resolved and blended back into the photo, enlarged ``--photo-scale`` times;
``--save-crops`` adds ``NAME.faceI.lr.png`` / ``NAME.faceI.sr.png``, ``--side-by-side``
``NAME.compare.png`` (input, bicubic, ours). Which inputs are photos: ``--detect`` all,
``--no-detect`` none; by default those larger than twice the LR side in which a face
is found, and any larger than 8 x the LR side (a photo with no face is written
unchanged, with a message); the others are face crops. Exit status: 0 when every
image was written (or kept by ``--skip-existing``); 1 when any was skipped or not written
(each named, with the reason), or the model could not be loaded; 2 for bad arguments.
"""
import argparse
import os
import os.path as osp
import sys

import cv2
import numpy as np
import torch
from mmengine.config import DictAction
from tqdm import tqdm

from dapfsr.apis import init_model, prepare_lr_face, super_resolve
from dapfsr.apis.inference import lr_size_of
from dapfsr.apis.photo import (CROP_MAX_FACTOR, PHOTO_MIN_FACTOR, DetectorUnavailable, MTCNN,
                               compare_panel, demo_photo, super_resolve_photo)
from dapfsr.datasets.transforms.loading import read_image
from dapfsr.utils.checkpoint import checkpoint_keys
from dapfsr.utils.config import ConfigKeyError, load_config
from dapfsr.utils.fileio import write_png
from dapfsr.utils.user_errors import InputError, check_config_types, library_error_message

IMAGE_EXTENSIONS = ('.png', '.jpg', '.jpeg', '.bmp', '.pgm', '.ppm', '.tif', '.tiff', '.webp')
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
    parser.add_argument('--demo-photo', metavar='FILE',
                        help='write scikit-image\'s astronaut photo, shrunk so that her face is '
                        '--demo-face-size px across, to FILE and exit (no other argument needed)')
    parser.add_argument('--demo-face-size', type=positive_float, default=20.0,
                        help='face size of --demo-photo, in pixels (default: 20)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, metavar='KEY=VALUE',
                        help='override config settings, key=value, checked against the config as '
                        'tools/test.py does; put it last: it takes every word after it')
    return parser


def write_demo_photo(argv):
    """``--demo-photo FILE``: write the demo input and exit (True), else False."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument('--demo-photo')
    pre.add_argument('--demo-face-size', type=positive_float, default=20.0)
    known, _ = pre.parse_known_args(argv)
    if known.demo_photo is None:
        return False
    img = demo_photo(known.demo_face_size)
    write_png(known.demo_photo, img)
    print(f'wrote {known.demo_photo}: scikit-image\'s astronaut, {img.shape[1]}x{img.shape[0]}, '
          f'her face about {known.demo_face_size:g} px across')
    return True


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


def file_id(path):
    """(device, inode) of an existing file, else None."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def input_ids(args, images):
    """{(device, inode): what it is} of every file infer.py reads (the images, CONFIG,
    CHECKPOINT, --adapted): files no output may replace."""
    ids = {}
    for path, name in [(osp.join(args.input_dir, p), 'the input') for p in images] + [
            (args.config, 'CONFIG'), (args.checkpoint, 'CHECKPOINT'), (args.adapted, '--adapted')]:
        key = file_id(path) if path else None
        if key is not None:
            ids.setdefault(key, f'{name} {path}')
    return ids


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


def photo_names(path, count):
    """Extra outputs of a photo: collision-free, as no input name ends in .lr, .sr or .compare."""
    return ([(f'{path}.face{i}.lr.png', f'{path}.face{i}.sr.png') for i in range(count)],
            f'{path}.compare.png')


class Run:
    """One run over a folder: face crops batched, photos one by one."""

    def __init__(self, args, model):
        self.args, self.model = args, model
        self.size = lr_size_of(model)
        self.failed, self.shapes, self.pending = [], [], []
        self.written = self.crops = self.photos = self.faces = self.kept = self.replaced = 0
        self.inputs = {}  # (device, inode) -> name: files never written over (input_ids)
        self.no_face, self.auto_crops = [], []
        self.detector = None

    def write(self, path, img, name=None):
        """Write the output of input ``path`` (``name``: an extra output of it)."""
        out = osp.join(self.args.output_dir, name or path + '.png')
        key = file_id(out)
        if key in self.inputs:
            self.failed.append((path, f'not written{f" ({name})" if name else ""}: {out} is '
                                f'{self.inputs[key]}'))
            return False
        try:
            write_png(out, img)
            self.replaced += key is not None and not name
            return True
        except (OSError, ValueError) as err:
            self.failed.append((path, f'not written{f" ({name})" if name else ""}: {err}'))
            return False

    def flush_crops(self):
        batch, self.pending = self.pending, []
        if not batch:
            return
        faces = [face for _, face in batch]
        for (path, _), sr in zip(batch, super_resolve(self.model, faces, self.args.batch_size,
                                                     gray=self.args.gray)):
            if self.write(path, sr):
                self.written += 1
                self.crops += 1

    def get_detector(self):
        if self.detector is None:
            try:
                self.detector = MTCNN(min_face_size=self.args.min_face_size)
            except DetectorUnavailable as err:
                sys.exit(f'infer.py: error: {err} (or --no-detect: every input a face crop)')
        return self.detector

    def add(self, path, img):
        """Process one input (or queue it, a crop); ValueError/cv2.error: it cannot be."""
        h, w = img.shape[:2]
        mode = self.args.mode
        if mode is None and max(h, w) <= CROP_MAX_FACTOR * self.size:
            mode = 'crop'
        if mode != 'crop':
            photo = img if img.dtype == np.uint8 else (img.clip(0, 1) * 255).round().astype(np.uint8)
            result = super_resolve_photo(self.model, photo, self.get_detector(),
                                         scale=self.args.photo_scale,
                                         batch_size=self.args.batch_size, gray=self.args.gray,
                                         large_faces=self.args.large_faces,
                                         consistent=not self.args.as_drawn)
            if (result.faces or result.kept or mode == 'photo'
                    or max(h, w) > PHOTO_MIN_FACTOR * self.size):
                self.add_photo(path, photo, result)
                return
            self.auto_crops.append(f'{path} ({w}x{h})')  # small, and no face in it: a crop
        face = prepare_lr_face(img, self.size)
        self.shapes.append((path, (h, w)))
        self.pending.append((path, face))
        if len(self.pending) >= self.args.batch_size:
            self.flush_crops()

    def add_photo(self, path, photo, result):
        if not result.faces and not result.kept:
            self.no_face.append(path)
        print(f'{path}: {result.message}', file=sys.stdout if result.faces else sys.stderr)
        if not self.write(path, result.image):
            return
        self.written += 1
        self.photos += 1
        self.faces += len(result.faces)
        self.kept += len(result.kept)
        crop_names, compare_name = photo_names(path, len(result.faces))
        if self.args.save_crops:
            for (lr_name, sr_name), face in zip(crop_names, result.faces):
                self.write(path, face.lr, lr_name)
                self.write(path, face.sr, sr_name)
        if self.args.side_by_side and result.faces:
            self.write(path, compare_panel(photo, result), compare_name)

    def report(self, total, skipped=0):
        report_resized(self.shapes, self.size)
        if skipped:
            print(f'--skip-existing: {skipped} inputs already had an output in {self.args.output_dir}, '
                  'left as it was', file=sys.stderr)
        if self.replaced:
            print(f'replaced {self.replaced} outputs of an earlier run in {self.args.output_dir} '
                  '(--skip-existing keeps them)', file=sys.stderr)
        if self.auto_crops:
            print(f'note: {len(self.auto_crops)} inputs larger than {CROP_MAX_FACTOR}x the LR size '
                  'showed no face and were taken as face crops (--detect: as photos): '
                  f'{examples(self.auto_crops, 3)}', file=sys.stderr)
        if not self.photos:
            print(f'wrote {self.written} of {total} faces to {self.args.output_dir}')
        else:
            print(f'wrote {self.written} of {total} images to {self.args.output_dir}: '
                  f'{self.crops} face crops, {self.photos} photos with {self.faces} faces '
                  'super-resolved' + (f' ({self.kept} larger ones left as they are)'
                                      if self.kept else ''))
        if self.no_face:
            print(f'{len(self.no_face)} photos showed no face (written unchanged): '
                  f'{examples(self.no_face)}', file=sys.stderr)
        if self.failed:
            print(f'{len(self.failed)} of {total} images failed:', file=sys.stderr)
            for path, reason in self.failed:
                print(f'  {path}: {reason}', file=sys.stderr)
            sys.exit(1)


def main():
    if write_demo_photo(sys.argv[1:]):
        return
    args = parse_args()
    images, others, unread = list_inputs(args.input_dir, args.recursive, args.output_dir)
    report_unread(others, unread)
    if not images:
        sys.exit(f'infer.py: error: no images ({" ".join(IMAGE_EXTENSIONS)}) in {args.input_dir}')
    inputs = input_ids(args, images)
    for path in images:  # before the model is loaded: no output is written over an input
        out = osp.join(args.output_dir, path + '.png')
        if file_id(out) in inputs:
            print(f'infer.py: error: the output of {path}, {out}, is {inputs[file_id(out)]}: it would be '
                  'written over; give another OUTPUT_DIR', file=sys.stderr)
            sys.exit(2)
    total, skipped = len(images), 0
    if args.skip_existing:
        kept = [p for p in images if not osp.exists(osp.join(args.output_dir, p + '.png'))]
        images, skipped = kept, len(images) - len(kept)
        if not images:
            print(f'--skip-existing: every one of the {total} inputs has its output in '
                  f'{args.output_dir}: nothing to do')
            return
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
    run = Run(args, model)
    run.inputs = inputs
    for path in tqdm(images, unit='image', disable=None):
        try:
            img = read_image(osp.join(args.input_dir, path))
        except (OSError, ValueError) as err:
            run.failed.append((path, f'not read: {err}'))
            continue
        try:
            run.add(path, img)
        except (ValueError, cv2.error) as err:
            run.failed.append((path, f'not processed: {" ".join(str(err).split())[:200]}'))
    run.flush_crops()
    run.report(total, skipped)


if __name__ == '__main__':
    main()
