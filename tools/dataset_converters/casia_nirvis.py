"""Index CASIA NIR-VIS 2.0 protocol lists, with face boxes, into an annotation file.

    python tools/dataset_converters/casia_nirvis.py DATA_ROOT/NIR-VIS-2.0 --out casia_nirvis_faces.json \
        [--protocol-files nir_probe_1.txt] [--boxes BOXES.csv]

DATA_ROOT/NIR-VIS-2.0 holds protocols/*.txt and s1-s4/{NIR,VIS}/SUBJECT/NNN.*.
--boxes (a CSV of img_path,top,left,height,width, img_path as s2/NIR/10117/016.bmp)
gives each face its box; images without one are left out. Then
``dict(type='CASIANIRVISDataset', data_root=..., ann_file='casia_nirvis_faces.json')``.
"""
import argparse

from dapfsr.datasets import CASIANIRVISDataset
from dapfsr.datasets.annotations import read_face_boxes, write_annotations


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('data_root', help='the folder holding protocols/ and s1-s4/')
    parser.add_argument('--out', required=True, help='annotation JSON to write')
    parser.add_argument('--protocol-files', nargs='+', default=['nir_probe_1.txt'],
                        help='lists in protocols/ to read')
    parser.add_argument('--boxes', help='CSV img_path,top,left,height,width of the faces')
    args = parser.parse_args()
    dataset = CASIANIRVISDataset(args.data_root, protocol_files=args.protocol_files, lazy_init=True)
    written, dropped = write_annotations(dataset, args.out, args.boxes and read_face_boxes(args.boxes))
    print(f'{args.out}: {written} images' + (f', {dropped} without a face box left out' if dropped else ''))


if __name__ == '__main__':
    main()
