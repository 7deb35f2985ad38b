"""Make the ``celeba_hq_128/{train,test,extra}`` folders CelebAHQDataset reads from a CelebA-HQ release.

    python tools/dataset_converters/celeba_hq.py CelebAMask-HQ/CelebA-HQ-img DATA_ROOT/celeba_hq_128 [--size 128]

SRC holds the 30,000 CelebA-HQ faces named by their index (``0.jpg`` ... ``29999.jpg`` as
CelebAMask-HQ's ``CelebA-HQ-img``, or ``00000.png`` ... as ``create_celebahq`` writes them),
at any size. Each face is resized to ``--size`` (Lanczos) and written as
``<split>/NNNNN.jpg`` (JPEG quality 95) by its index: train 0-7999, test 8000-8499, extra
8500-19999 (more training faces), the splits the configs and docs/results.md use. Files
already written are kept, so an interrupted run continues.
"""
import argparse
import os
import os.path as osp
import re

import cv2

from dapfsr.utils.fileio import atomic_path

SPLITS = (('train', 0, 8000), ('test', 8000, 8500), ('extra', 8500, 20000))


def split_of(index):
    """The split folder of a CelebA-HQ index, or None beyond the ones used."""
    return next((name for name, low, high in SPLITS if low <= index < high), None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='folder of CelebA-HQ faces named by index (0.jpg or 00000.png ...)')
    parser.add_argument('out', help='the celeba_hq_128 folder to fill')
    parser.add_argument('--size', type=int, default=128, help='side of the written faces')
    args = parser.parse_args()
    if not osp.isdir(args.src):
        raise SystemExit(f'error: {args.src} is not a folder')
    faces = {}
    for name in os.listdir(args.src):
        match = re.fullmatch(r'(\d+)\.(jpg|jpeg|png)', name, re.IGNORECASE)
        if match and split_of(int(match.group(1))):
            faces[int(match.group(1))] = name
    if not faces:
        raise SystemExit(f'error: no faces named by index (0.jpg, 00000.png, ...) in {args.src}')
    written = dict.fromkeys((name for name, _, _ in SPLITS), 0)
    for count, index in enumerate(sorted(faces), 1):
        split = split_of(index)
        out = osp.join(args.out, split, f'{index:05d}.jpg')
        if not osp.exists(out):
            img = cv2.imread(osp.join(args.src, faces[index]), cv2.IMREAD_COLOR)
            if img is None:
                raise SystemExit(f'error: cannot read {osp.join(args.src, faces[index])}')
            os.makedirs(osp.dirname(out), exist_ok=True)
            img = cv2.resize(img, (args.size, args.size), interpolation=cv2.INTER_LANCZOS4)
            with atomic_path(out) as partial:
                cv2.imwrite(partial, img, [cv2.IMWRITE_JPEG_QUALITY, 95])
        written[split] += 1
        if count % 1000 == 0:
            print(f'{count} / {len(faces)} faces', flush=True)
    print(f'{args.out}: ' + ', '.join(f'{n} {split}' for split, n in written.items()))


if __name__ == '__main__':
    main()
