"""Index the aligned CelebA release into an annotation file.

    python tools/dataset_converters/celeba.py DATA_ROOT/celeba --split train --out celeba_train.json \
        [--skip-attributes Blurry Eyeglasses Wearing_Hat] [--boxes BOXES.csv]

DATA_ROOT/celeba holds img_align_celeba/, list_eval_partition.txt,
list_attr_celeba.txt (and optionally identity_CelebA.txt). Each entry gets
MTDN's crop box unless --boxes gives per-image boxes. Then
``dict(type='CelebADataset', data_root=..., ann_file='celeba_train.json')``.
"""
import argparse

from dapfsr.datasets import CelebADataset
from dapfsr.datasets.annotations import read_face_boxes, write_annotations


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('data_root', help='folder holding img_align_celeba/ and the list files')
    parser.add_argument('--out', required=True, help='annotation JSON to write')
    parser.add_argument('--split', default='train', choices=['train', 'val', 'test', 'all'])
    parser.add_argument('--skip-attributes', nargs='*', default=['Blurry', 'Eyeglasses', 'Wearing_Hat'],
                        help='leave out faces with these attributes (none: keep all)')
    parser.add_argument('--boxes', help='CSV img_path,top,left,height,width replacing MTDN\'s box')
    args = parser.parse_args()
    dataset = CelebADataset(args.data_root, split=args.split, skip_attributes=args.skip_attributes,
                            lazy_init=True)
    written, dropped = write_annotations(dataset, args.out, args.boxes and read_face_boxes(args.boxes))
    print(f'{args.out}: {written} images' + (f', {dropped} without a face box left out' if dropped else ''))


if __name__ == '__main__':
    main()
