"""CelebA (aligned release) and CelebA-HQ: the source domain."""
import os
import os.path as osp

from dapfsr.registry import DATASETS
from .base_face_dataset import IMAGE_EXTENSIONS, BaseFaceDataset


def read_table(path, min_fields):
    """Whitespace-separated rows of a CelebA list file, with errors naming the file and line."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'CelebA list file not found: {path}')
    rows = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) < min_fields:
                raise ValueError(f'{path}, line {lineno}: expected at least {min_fields} fields, '
                                 f'got {line.strip()!r}')
            rows.append(fields)
    return rows


@DATASETS.register_module()
class CelebADataset(BaseFaceDataset):
    """CelebA, aligned and cropped release (``img_align_celeba``, 178 x 218 JPEGs).

    Layout under ``data_root``::

        img_align_celeba/000001.jpg ...
        list_eval_partition.txt     000001.jpg 0      (0 train, 1 val, 2 test)
        list_attr_celeba.txt        count, 40 attribute names, then 000001.jpg -1 1 ...
        identity_CelebA.txt         000001.jpg 2880   (optional: the subject)

    Args:
        data_root (str): Folder holding the files above.
        split (str): ``'train'``, ``'val'``, ``'test'`` (the official partition)
            or ``'all'``.
        skip_attributes (Sequence[str]): Faces with any of these attributes
            set are left out. The default follows MTDN's data script, which
            skips Blurry, Eyeglasses and Wearing_Hat; ``()`` keeps every face.
        crop_box (Sequence[int] | None): (top, left, height, width) stored in
            each data info for :class:`CropAndResize`. The default is MTDN's
            box, rows 55-187 and columns 35-141 (1-based), 133 x 107.
        **kwargs: :class:`BaseFaceDataset`'s.
    """

    METAINFO = dict(domain='celeba')
    SPLITS = dict(train='0', val='1', test='2')
    MTDN_CROP_BOX = (54, 34, 133, 107)

    def __init__(self, data_root, split='train', skip_attributes=('Blurry', 'Eyeglasses', 'Wearing_Hat'),
                 crop_box=MTDN_CROP_BOX, **kwargs):
        if split not in (*self.SPLITS, 'all'):
            raise ValueError(f'CelebADataset split must be one of {[*self.SPLITS, "all"]}, got {split!r}')
        self.split, self.skip_attributes = split, tuple(skip_attributes)
        self.crop_box = None if crop_box is None else list(crop_box)
        super().__init__(data_root, **kwargs)

    def scan(self):
        image_dir = osp.join(self.data_root, 'img_align_celeba')
        if not osp.isdir(image_dir):
            raise FileNotFoundError(f'{self.name}: image folder {image_dir} not found; expected the '
                                    'aligned release layout img_align_celeba/000001.jpg')
        partition = read_table(osp.join(self.data_root, 'list_eval_partition.txt'), 2)
        names = [row[0] for row in partition if self.split == 'all' or row[1] == self.SPLITS[self.split]]
        if self.skip_attributes:
            names = self._without_attributes(names)
        id_path = osp.join(self.data_root, 'identity_CelebA.txt')
        identity = {row[0]: row[1] for row in read_table(id_path, 2)} if osp.isfile(id_path) else {}
        return [dict(img_path=f'img_align_celeba/{name}', subject=identity.get(name), crop_box=self.crop_box)
                for name in names]

    def _without_attributes(self, names):
        attr_path = osp.join(self.data_root, 'list_attr_celeba.txt')
        rows = read_table(attr_path, 1)
        header = rows[1] if len(rows) > 1 else []
        missing = [a for a in self.skip_attributes if a not in header]
        if missing:
            raise ValueError(f'{attr_path}: no attribute columns {missing}; it has {header}')
        columns = [header.index(a) + 1 for a in self.skip_attributes]  # + 1: file name first
        skipped = set()
        for lineno, row in enumerate(rows[2:], 3):
            if len(row) != len(header) + 1:
                raise ValueError(f'{attr_path}, line {lineno}: expected {len(header) + 1} fields, got {len(row)}')
            if any(row[c] == '1' for c in columns):
                skipped.add(row[0])
        return [n for n in names if n not in skipped]


@DATASETS.register_module()
class CelebAHQDataset(BaseFaceDataset):
    """CelebA-HQ resized to one size, one folder per split: ``<split>/NNNNN.jpg``.

    File names are CelebA-HQ indices (``train/00042.jpg`` is image 42); the
    release has no identities, so ``subject`` and ``condition`` are None.

    Args:
        data_root (str): Folder holding the split folders (e.g. ``celeba_hq_128``).
        split (str): Split folder name, e.g. ``'train'`` or ``'test'``.
        **kwargs: :class:`BaseFaceDataset`'s.
    """

    METAINFO = dict(domain='celeba_hq')

    def __init__(self, data_root, split='train', **kwargs):
        self.split = split
        super().__init__(data_root, **kwargs)

    def scan(self):
        folder = osp.join(self.data_root, self.split)
        if not osp.isdir(folder):
            raise FileNotFoundError(f'{self.name}: split folder {folder} not found; expected '
                                    f'{self.data_root}/{self.split}/NNNNN.jpg')
        names = sorted(f for f in os.listdir(folder) if f.lower().endswith(IMAGE_EXTENSIONS))
        return [dict(img_path=f'{self.split}/{name}') for name in names]
