"""Annotation files for the face datasets (written by ``tools/dataset_converters``).

An annotation file is mmengine's format, JSON::

    {"metainfo": {"domain": "multipie", "dataset_type": "MultiPIEDataset"},
     "data_list": [{"img_path": "data/session01/...png", "subject": "001",
                    "condition": "cam05_1_flash07", "crop_box": [t, l, h, w], ...}, ...]}

``img_path`` is relative to the dataset's ``data_root``; a dataset built with
``ann_file=`` reads this list instead of scanning the release's folders.
"""
import csv
import json
import os
import os.path as osp


def read_face_boxes(path):
    """Face boxes from a CSV file: ``img_path,top,left,height,width`` a row (0-based pixels).

    ``img_path`` is relative to the dataset root; a header row is allowed.

    Returns:
        dict: img_path -> [top, left, height, width].
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'face box file not found: {path}')
    boxes = {}
    with open(path, newline='') as f:
        for lineno, row in enumerate(csv.reader(f), 1):
            if not row or (lineno == 1 and row[0].strip() == 'img_path'):
                continue
            try:
                top, left, height, width = (int(round(float(v))) for v in row[1:5])
            except ValueError:
                raise ValueError(f'{path}, line {lineno}: expected img_path,top,left,height,width, '
                                 f'got {",".join(row)!r}') from None
            if height <= 0 or width <= 0:
                raise ValueError(f'{path}, line {lineno}: empty box {row[1:5]}')
            boxes[row[0].strip().replace('\\', '/')] = [top, left, height, width]
    return boxes


def write_annotations(dataset, out_path, boxes=None):
    """Write the raw layout of ``dataset`` (built with ``lazy_init=True``) as an annotation file.

    Args:
        dataset (BaseFaceDataset): Gives :meth:`scan` and the metainfo.
        out_path (str): JSON file to write.
        boxes (dict | None): img_path -> face box; images without a box are
            left out (a face detector may miss some), entries get ``crop_box``.

    Returns:
        tuple[int, int]: (images written, images left out for want of a box).
    """
    data_list = dataset.scan()
    dropped = 0
    if boxes is not None:
        kept = [dict(info, crop_box=boxes[info['img_path']]) for info in data_list if info['img_path'] in boxes]
        dropped = len(data_list) - len(kept)
        data_list = kept
    if not data_list:
        raise ValueError(f'no images to write for {dataset.data_root}'
                         + (' (no image has a face box)' if boxes is not None else ''))
    metainfo = dict(dataset.metainfo, dataset_type=type(dataset).__name__)
    os.makedirs(osp.dirname(osp.abspath(out_path)), exist_ok=True)
    with open(out_path, 'w') as f:
        json.dump(dict(metainfo=metainfo, data_list=data_list), f, indent=1)
    return len(data_list), dropped
