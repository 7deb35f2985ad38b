"""Extended Yale Face Database B, cropped release: 38 subjects x 64 light directions."""
import os
import os.path as osp
import re

from dapfsr.registry import DATASETS
from .base_face_dataset import BaseFaceDataset

SUBJECT_DIR = re.compile(r'^yaleB\d{2}$')
LIT_FILE = re.compile(r'^(yaleB\d{2})_P(\d{2})A([+-]\d{3})E([+-]\d{2})\.pgm$')
AMBIENT_FILE = re.compile(r'^(yaleB\d{2})_P(\d{2})_Ambient\.pgm$')


@DATASETS.register_module()
class ExtendedYaleBDataset(BaseFaceDataset):
    """Extended Yale B (cropped): ``CroppedYale/yaleBNN/yaleBNN_P00A{+az}E{+el}.pgm``.

    Each 168 x 192 gray frame is one subject (``'yaleB01'`` ... ``'yaleB39'``, 14
    absent from the release) under one light direction. The condition, the
    split of a target benchmark, is the light direction as in the file name,
    ``'A+035E+15'`` = azimuth +35 deg, elevation +15 deg; the data info also
    holds ``azimuth``, ``elevation`` (int degrees) and ``pose`` (``'P00'``).
    ``_Ambient`` frames (no flash; condition ``'Ambient'``) are left out unless
    ``include_ambient``. Files the release marks bad (``*.pgm.bad``) and
    non-image files (``*.info``) are skipped.

    The benchmark's 10 splits are ``conditions`` of ``configs/_base_/targets/yaleb.py``;
    without ``conditions`` every light direction is read.

    Args:
        data_root (str): The ``CroppedYale`` folder.
        include_ambient (bool): Keep the ``_Ambient`` frames.
        **kwargs: :class:`BaseFaceDataset`'s (``subjects``, ``conditions``,
            ``ann_file``, ``pipeline``, ...).
    """

    METAINFO = dict(domain='yaleb')

    def __init__(self, data_root, include_ambient=False, **kwargs):
        self.include_ambient = include_ambient
        super().__init__(data_root, **kwargs)

    def scan(self):
        subject_dirs = sorted(d for d in os.listdir(self.data_root)
                              if SUBJECT_DIR.match(d) and osp.isdir(osp.join(self.data_root, d)))
        if not subject_dirs:
            raise ValueError(f'{self.name}: {self.data_root} has no yaleBNN folders; expected the '
                             'cropped release layout CroppedYale/yaleBNN/yaleBNN_P00A+000E+00.pgm')
        data_list = []
        for subject in subject_dirs:
            for fname in sorted(os.listdir(osp.join(self.data_root, subject))):
                if not fname.endswith('.pgm'):
                    continue
                lit, ambient = LIT_FILE.match(fname), AMBIENT_FILE.match(fname)
                match = lit or ambient
                if match is None or match.group(1) != subject:
                    raise ValueError(f'{self.name}: unexpected file {osp.join(self.data_root, subject, fname)}; '
                                     f'expected {subject}_P00A+000E+00.pgm or {subject}_P00_Ambient.pgm')
                if ambient and not self.include_ambient:
                    continue
                info = dict(img_path=f'{subject}/{fname}', subject=subject, pose=f'P{match.group(2)}')
                if lit:
                    info.update(condition=f'A{lit.group(3)}E{lit.group(4)}',
                                azimuth=int(lit.group(3)), elevation=int(lit.group(4)))
                else:
                    info.update(condition='Ambient', azimuth=None, elevation=None)
                data_list.append(info)
        return data_list
