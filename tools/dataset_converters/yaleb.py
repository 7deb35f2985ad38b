"""Index the cropped Extended Yale B release into an annotation file.

    python tools/dataset_converters/yaleb.py DATA_ROOT/CroppedYale --out yaleb.json \
        [--include-ambient] [--boxes BOXES.csv]

DATA_ROOT/CroppedYale holds yaleBNN/yaleBNN_P00A{+az}E{+el}.pgm. Then
``dict(type='ExtendedYaleBDataset', data_root=..., ann_file='yaleb.json')``.
"""
import argparse

from dapfsr.datasets import ExtendedYaleBDataset
from dapfsr.datasets.annotations import read_face_boxes, write_annotations


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('data_root', help='the CroppedYale folder')
    parser.add_argument('--out', required=True, help='annotation JSON to write')
    parser.add_argument('--include-ambient', action='store_true', help='keep the _Ambient frames')
    parser.add_argument('--boxes', help='CSV img_path,top,left,height,width to crop faces by')
    args = parser.parse_args()
    dataset = ExtendedYaleBDataset(args.data_root, include_ambient=args.include_ambient, lazy_init=True)
    written, dropped = write_annotations(dataset, args.out, args.boxes and read_face_boxes(args.boxes))
    print(f'{args.out}: {written} images' + (f', {dropped} without a face box left out' if dropped else ''))


if __name__ == '__main__':
    main()
