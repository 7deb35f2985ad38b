"""CASIA NIR-VIS 2.0: 725 subjects, near-infrared and visible-light faces."""
import os.path as osp
import re

from dapfsr.registry import DATASETS
from .base_face_dataset import BaseFaceDataset, as_name_list

# protocol line: s2\NIR\10117\016.bmp (Windows separators in the release)
PROTOCOL_LINE = re.compile(r'^(s\d)[\\/](NIR|VIS)[\\/](\w+)[\\/]([^\\/]+)$')


@DATASETS.register_module()
class CASIANIRVISDataset(BaseFaceDataset):
    """CASIA NIR-VIS 2.0 through its protocol files.

    Layout under ``data_root``: ``sN/NIR/SUBJECT/NNN.bmp``, ``sN/VIS/SUBJECT/NNN.jpg``
    and ``protocols/*.txt`` (e.g. ``nir_probe_1.txt``, ``vis_gallery_1.txt``,
    ``nir_train_1.txt``), each listing images one a line as ``s2\\NIR\\10117\\016.bmp``.
    The condition is the modality (``'NIR'``, ``'VIS'``), the subject the
    folder name; the data info also holds ``session`` (``'s2'``).

    As for Multi-PIE, the raw frames are not face-aligned: give face boxes
    through ``tools/dataset_converters/casia_nirvis.py --boxes``.

    Args:
        data_root (str): The folder holding ``protocols/`` and ``s1``-``s4``.
        protocol_files (str | Sequence[str]): Files in ``protocols/`` to read
            (default the first fold's NIR probes, the usual NIR target).
        **kwargs: :class:`BaseFaceDataset`'s.
    """

    METAINFO = dict(domain='casia_nirvis')

    def __init__(self, data_root, protocol_files=('nir_probe_1.txt', ), **kwargs):
        self.protocol_files = as_name_list(protocol_files, 'protocol_files')
        super().__init__(data_root, **kwargs)

    def scan(self):
        seen, data_list = set(), []
        for name in self.protocol_files:
            path = osp.join(self.data_root, 'protocols', name)
            if not osp.isfile(path):
                raise FileNotFoundError(f'{self.name}: protocol file {path} not found')
            with open(path) as f:
                for lineno, line in enumerate(f, 1):
                    fields = line.split()
                    if not fields:
                        continue
                    match = PROTOCOL_LINE.match(fields[0])
                    if match is None:
                        raise ValueError(f'{path}, line {lineno}: expected an image path such as '
                                         f'sN\\NIR\\SUBJECT\\NNN.bmp, got {line.strip()!r}')
                    session, modality, subject, fname = match.groups()
                    rel = f'{session}/{modality}/{subject}/{fname}'
                    if rel not in seen:
                        seen.add(rel)
                        data_list.append(dict(img_path=rel, subject=subject, condition=modality,
                                              session=session))
        return data_list
