"""Super-resolve a folder of LR faces, one output file per input.

    python tools/infer.py CONFIG CHECKPOINT INPUT_DIR OUTPUT_DIR [--adapted DELTA]

Files that cannot be read are reported and skipped; the others are written.
"""
import argparse
import os
import os.path as osp
import sys

import cv2
from tqdm import tqdm

from dapfsr.apis import init_model, prepare_lr_face, super_resolve
from dapfsr.apis.inference import lr_size_of

IMAGE_EXTENSIONS = ('.png', '.jpg', '.jpeg', '.bmp', '.pgm', '.ppm', '.tif', '.tiff', '.webp')


def parse_args():
    parser = argparse.ArgumentParser(description='Super-resolve a folder of LR faces')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('input_dir')
    parser.add_argument('output_dir')
    parser.add_argument('--adapted', help='adapted parameters written by tools/adapt.py')
    parser.add_argument('--batch-size', type=int, default=16)
    parser.add_argument('--device', default='cpu')
    return parser.parse_args()


def main():
    args = parse_args()
    if not osp.isdir(args.input_dir):
        sys.exit(f'input folder not found: {args.input_dir}')
    names = sorted(n for n in os.listdir(args.input_dir) if n.lower().endswith(IMAGE_EXTENSIONS))
    if not names:
        sys.exit(f'no images ({", ".join(IMAGE_EXTENSIONS)}) in {args.input_dir}')
    model = init_model(args.config, args.checkpoint, adapted=args.adapted, device=args.device)
    size = lr_size_of(model)
    os.makedirs(args.output_dir, exist_ok=True)
    failed = []
    with tqdm(total=len(names), unit='face') as progress:
        for start in range(0, len(names), args.batch_size):
            faces, kept = [], []
            for name in names[start:start + args.batch_size]:
                try:
                    faces.append(prepare_lr_face(osp.join(args.input_dir, name), size))
                    kept.append(name)
                except (OSError, ValueError) as err:
                    failed.append((name, str(err)))
            for name, sr in zip(kept, super_resolve(model, faces, args.batch_size)):
                out = osp.join(args.output_dir, osp.splitext(name)[0] + '.png')
                cv2.imwrite(out, cv2.cvtColor(sr, cv2.COLOR_RGB2BGR) if sr.shape[2] == 3 else sr)
            progress.update(len(names[start:start + args.batch_size]))
    print(f'wrote {len(names) - len(failed)} faces to {args.output_dir}')
    for name, reason in failed:
        print(f'skipped {name}: {reason}', file=sys.stderr)
    sys.exit(1 if failed and len(failed) == len(names) else 0)


if __name__ == '__main__':
    main()
