"""CMU Multi-PIE: 337 subjects, 15 cameras x 20 illuminations, 4 sessions."""
import os
import os.path as osp
import re

from dapfsr.registry import DATASETS
from .base_face_dataset import BaseFaceDataset, as_name_list

SESSION_DIR = re.compile(r'^session(\d{2})$')
IMAGE_FILE = re.compile(r'^(\d{3})_(\d{2})_(\d{2})_(\d{3})_(\d{2})\.png$')

# expression of each (session, recording), from the Multi-PIE documentation
EXPRESSIONS = {
    ('01', '01'): 'neutral', ('01', '02'): 'smile',
    ('02', '01'): 'neutral', ('02', '02'): 'surprise', ('02', '03'): 'squint',
    ('03', '01'): 'neutral', ('03', '02'): 'smile', ('03', '03'): 'disgust',
    ('04', '01'): 'neutral', ('04', '02'): 'neutral', ('04', '03'): 'scream',
}


def condition_name(camera, flash):
    """Split name of a camera x flash condition, e.g. ``'cam05_1_flash07'``."""
    return f'cam{camera}_flash{flash}'


@DATASETS.register_module()
class MultiPIEDataset(BaseFaceDataset):
    """Multi-PIE in its official layout.

    ``data/sessionNN/multiview/SSS/RR/CC_C/SSS_NN_RR_CCC_FF.png``: subject SSS,
    session NN, recording RR, camera CC_C (``05_1`` is frontal), flash FF
    (``00`` no flash, ``01``-``18`` flashes, ``07`` the frontal one). The
    condition (split) is camera x flash, ``'cam05_1_flash07'``; the data info also
    holds ``session``, ``recording``, ``camera``, ``flash``, ``expression``.

    The frames are 640 x 480 and not face-aligned: for the paper's protocol
    give face boxes through ``tools/dataset_converters/multipie.py --boxes``,
    which writes them as each entry's ``crop_box`` into an annotation file.

    The target benchmark's 10 splits are ``conditions`` of
    ``configs/_base_/targets/multipie.py``.

    Args:
        data_root (str): The folder holding ``data/``.
        expressions (Sequence[str] | None): Keep these expressions
            (default neutral only); None keeps all.
        sessions (Sequence[str] | None): Keep these sessions (``'01'`` ...).
        **kwargs: :class:`BaseFaceDataset`'s (``subjects`` are ``'001'`` ...).
    """

    METAINFO = dict(domain='multipie')

    def __init__(self, data_root, expressions=('neutral', ), sessions=None, **kwargs):
        self.expressions = as_name_list(expressions, 'expressions')
        self.sessions = as_name_list(sessions, 'sessions')
        super().__init__(data_root, **kwargs)

    def scan(self):
        data_dir = osp.join(self.data_root, 'data')
        sessions = sorted(d for d in os.listdir(data_dir) if SESSION_DIR.match(d)) if osp.isdir(data_dir) else []
        if not sessions:
            raise ValueError(f'{self.name}: {data_dir} has no sessionNN folders; expected the official '
                             'layout data/sessionNN/multiview/SSS/RR/CC_C/SSS_NN_RR_CCC_FF.png')
        data_list = []
        for session_dir in sessions:
            session = SESSION_DIR.match(session_dir).group(1)
            if self.sessions is not None and session not in self.sessions:
                continue
            multiview = osp.join(data_dir, session_dir, 'multiview')
            for dirpath, _, files in sorted(os.walk(multiview)):
                for fname in sorted(f for f in files if f.endswith('.png')):
                    data_list.append(self._parse(session, multiview, dirpath, fname))
        return [info for info in data_list
                if self.expressions is None or info['expression'] in self.expressions]

    def _parse(self, session, multiview, dirpath, fname):
        path = osp.join(dirpath, fname)
        match = IMAGE_FILE.match(fname)
        rel = osp.relpath(dirpath, multiview).split(os.sep)
        if match is None or len(rel) != 3 or match.group(2) != session:
            raise ValueError(f'{self.name}: unexpected file {path}; expected '
                             'sessionNN/multiview/SSS/RR/CC_C/SSS_NN_RR_CCC_FF.png')
        subject, _, recording, camera, flash = match.groups()
        camera = f'{camera[:2]}_{camera[2]}'
        if rel != [subject, recording, camera]:
            raise ValueError(f'{self.name}: {path} lies in {"/".join(rel)}, expected '
                             f'{subject}/{recording}/{camera}')
        return dict(img_path=osp.relpath(path, self.data_root).replace(os.sep, '/'), subject=subject,
                    condition=condition_name(camera, flash), session=session, recording=recording,
                    camera=camera, flash=flash, expression=EXPRESSIONS.get((session, recording), 'unknown'))
