"""Index a face set with one folder per subject into an annotation file.

    python tools/dataset_converters/subject_folder.py DATA_ROOT/my_faces --out my_faces.json \
        [--domain my_faces] [--condition-pattern REGEX | --single-condition all] [--boxes BOXES.csv]

DATA_ROOT/my_faces holds SUBJECT/IMAGE (e.g. AT&T / ORL: s1/1.pgm ... s40/10.pgm); the
condition of an image comes from its file name by --condition-pattern (a named group
condition, e.g. '_(?P<condition>[A-Za-z0-9+-]+)\\.') or is --single-condition. Edit the
entries' "condition" for conditions kept elsewhere. Then
``dict(type='SubjectFolderDataset', data_root=..., ann_file='my_faces.json')``.
"""
import argparse

from dapfsr.datasets import SubjectFolderDataset
from dapfsr.datasets.annotations import read_face_boxes, write_annotations


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('data_root', help='the folder holding one folder per subject')
    parser.add_argument('--out', required=True, help='annotation JSON to write')
    parser.add_argument('--domain', help='name of the domain, recorded in the metainfo')
    conditions = parser.add_mutually_exclusive_group()
    conditions.add_argument('--condition-pattern', help='regular expression with a group (?P<condition>...), '
                            'searched in each file name')
    conditions.add_argument('--single-condition', default='all', help='the condition of every image')
    parser.add_argument('--boxes', help='CSV img_path,top,left,height,width to crop faces by')
    args = parser.parse_args()
    dataset = SubjectFolderDataset(args.data_root, condition_pattern=args.condition_pattern,
                                   single_condition=args.single_condition, lazy_init=True,
                                   metainfo=dict(domain=args.domain) if args.domain else None)
    written, dropped = write_annotations(dataset, args.out, args.boxes and read_face_boxes(args.boxes))
    print(f'{args.out}: {written} images' + (f', {dropped} without a face box left out' if dropped else ''))


if __name__ == '__main__':
    main()
