"""Crop real tiny faces out of WIDER FACE into an LR-only image folder.

    python tools/dataset_converters/wider_face.py WIDER_ROOT --split val \
        --out-dir DATA_ROOT/wider_tiny_faces [--min-size 10] [--max-size 24] [--context 1.2]

WIDER_ROOT holds ``wider_face_split/wider_face_<split>_bbx_gt.txt`` and
``WIDER_<split>/images/<event>/<image>.jpg``. Each face whose box side lies in
[min-size, max-size] pixels, marked valid, with no heavy blur or occlusion, is
cut as a square of ``context`` x its longer side around the box centre (the
frame's edge pixels repeated where it sticks out) and written as
``<out-dir>/<event>/<image>_<k>.png``: the real unaligned LR faces of the
paper's Fig. 6, read by ``configs/_base_/datasets/lr_folder.py``.
"""
import argparse
import os
import os.path as osp

import cv2


def read_boxes(path):
    """WIDER FACE ground truth: {image path: [(x, y, w, h, blur, invalid, occlusion), ...]}.

    The file repeats: image path, face count n, then max(n, 1) rows of
    ``x y w h blur expression illumination invalid occlusion pose``.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'WIDER FACE annotation file not found: {path}')
    with open(path) as f:
        lines = [line.strip() for line in f if line.strip()]
    boxes, i = {}, 0
    while i < len(lines):
        name = lines[i]
        try:
            count = int(lines[i + 1])
            rows = [[int(v) for v in lines[i + 2 + k].split()[:10]] for k in range(max(count, 1))]
        except (IndexError, ValueError):
            raise ValueError(f'{path}: malformed entry for {name!r} near line {i + 1}') from None
        boxes[name] = [(r[0], r[1], r[2], r[3], r[4], r[7], r[8]) for r in rows[:count]]
        i += 2 + max(count, 1)
    return boxes


def crop_square(img, x, y, w, h, context):
    """Square of side context * max(w, h) centred on the box, edge pixels repeated outside."""
    side = max(1, int(round(context * max(w, h))))
    left, top = int(round(x + w / 2 - side / 2)), int(round(y + h / 2 - side / 2))
    pad = max(0, -left, -top, left + side - img.shape[1], top + side - img.shape[0])
    padded = cv2.copyMakeBorder(img, pad, pad, pad, pad, cv2.BORDER_REPLICATE) if pad else img
    return padded[top + pad:top + pad + side, left + pad:left + pad + side]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('wider_root', help='folder holding wider_face_split/ and WIDER_<split>/')
    parser.add_argument('--split', default='val', choices=['train', 'val'])
    parser.add_argument('--out-dir', required=True, help='folder the face crops go to')
    parser.add_argument('--min-size', type=int, default=10, help='smallest box side kept (px)')
    parser.add_argument('--max-size', type=int, default=24, help='largest box side kept (px)')
    parser.add_argument('--context', type=float, default=1.2, help='crop side / longer box side')
    parser.add_argument('--max-faces', type=int, help='stop after this many crops')
    args = parser.parse_args()
    boxes = read_boxes(osp.join(args.wider_root, 'wider_face_split', f'wider_face_{args.split}_bbx_gt.txt'))
    image_dir = osp.join(args.wider_root, f'WIDER_{args.split}', 'images')
    written = 0
    for name, faces in boxes.items():
        kept = [f for f in faces if f[5] == 0 and f[4] < 2 and f[6] < 2  # valid, not heavily blurred/occluded
                and args.min_size <= max(f[2], f[3]) <= args.max_size]
        if not kept:
            continue
        path = osp.join(image_dir, name)
        img = cv2.imread(path, cv2.IMREAD_COLOR)
        if img is None:
            raise ValueError(f'cannot read WIDER FACE image {path}')
        stem = osp.join(args.out_dir, osp.splitext(name)[0])
        os.makedirs(osp.dirname(stem), exist_ok=True)
        for k, (x, y, w, h, *_) in enumerate(kept):
            cv2.imwrite(f'{stem}_{k}.png', crop_square(img, x, y, w, h, args.context))
            written += 1
            if args.max_faces and written >= args.max_faces:
                print(f'{args.out_dir}: {written} faces')
                return
    print(f'{args.out_dir}: {written} faces')


if __name__ == '__main__':
    main()
