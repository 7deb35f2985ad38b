"""Index Multi-PIE's official layout, with face boxes, into an annotation file.

    python tools/dataset_converters/multipie.py DATA_ROOT/Multi-PIE --out multipie_faces.json \
        [--boxes BOXES.csv] [--expressions neutral] [--sessions 01 02]

DATA_ROOT/Multi-PIE holds data/sessionNN/multiview/SSS/RR/CC_C/SSS_NN_RR_CCC_FF.png.
The frames are 640 x 480 and not aligned: --boxes (a CSV of
img_path,top,left,height,width relative to DATA_ROOT/Multi-PIE, e.g. from a
face aligner) gives each face its box; images without one are left out. Then
``dict(type='MultiPIEDataset', data_root=..., ann_file='multipie_faces.json')``.
"""
import argparse

from dapfsr.datasets import MultiPIEDataset
from dapfsr.datasets.annotations import read_face_boxes, write_annotations


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('data_root', help='the folder holding data/sessionNN')
    parser.add_argument('--out', required=True, help='annotation JSON to write')
    parser.add_argument('--boxes', help='CSV img_path,top,left,height,width of the faces')
    parser.add_argument('--expressions', nargs='*', default=['neutral'],
                        help='expressions kept (none given: all)')
    parser.add_argument('--sessions', nargs='*', help='sessions kept, e.g. 01 02 (default all)')
    args = parser.parse_args()
    dataset = MultiPIEDataset(args.data_root, expressions=args.expressions or None,
                              sessions=args.sessions or None, lazy_init=True)
    written, dropped = write_annotations(dataset, args.out, args.boxes and read_face_boxes(args.boxes))
    print(f'{args.out}: {written} images' + (f', {dropped} without a face box left out' if dropped else ''))


if __name__ == '__main__':
    main()
