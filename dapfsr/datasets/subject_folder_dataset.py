"""A face set with one folder per subject (e.g. AT&T / ORL's ``s1/1.pgm`` ... ``s40/10.pgm``)."""
import os
import os.path as osp
import re

from dapfsr.registry import DATASETS
from .base_face_dataset import IMAGE_EXTENSIONS, BaseFaceDataset


@DATASETS.register_module()
class SubjectFolderDataset(BaseFaceDataset):
    """``<data_root>/<subject>/<image>``: the subject is the folder name.

    The condition (the split of the one-shot protocol) comes from the file
    name by ``condition_pattern``, or is ``single_condition`` for every image,
    or, read with ``ann_file=``, from an annotation file:
    ``tools/dataset_converters/subject_folder.py`` writes one from this layout
    (with face boxes if given); conditions the file names do not carry, e.g.
    a list of each photo's lighting, go into its entries' ``"condition"``.

    The layout is checked: an image file at the top level, a folder inside a
    subject folder or a file name ``condition_pattern`` does not match is an
    error naming it. Non-image files and names starting with ``.`` are skipped.

    Args:
        data_root (str): The folder holding the subject folders.
        condition_pattern (str | None): Regular expression searched in each
            file name; its named group ``condition`` is the condition, e.g.
            ``r'_(?P<condition>[A-Za-z0-9+-]+)\\.'`` for ``s1_light+30.png``.
        single_condition (str): The condition of every image when
            ``condition_pattern`` is None.
        extensions (Sequence[str]): File endings read (case-insensitive).
        **kwargs: :class:`BaseFaceDataset`'s (``ann_file``, ``subjects``,
            ``conditions``, ``pipeline``, ...); ``metainfo=dict(domain=...)``
            names the domain (else the annotation file's, else ``'faces'``).
    """

    METAINFO = dict()  # no domain of its own: the config's or the annotation file's

    def __init__(self, data_root, condition_pattern=None, single_condition='all', extensions=IMAGE_EXTENSIONS,
                 **kwargs):
        self.condition_pattern = None if condition_pattern is None else re.compile(condition_pattern)
        if self.condition_pattern is not None and 'condition' not in self.condition_pattern.groupindex:
            raise ValueError(f'condition_pattern {condition_pattern!r} has no named group (?P<condition>...)')
        self.single_condition = str(single_condition)
        self.extensions = tuple(e.lower() for e in extensions)
        super().__init__(data_root, **kwargs)

    def condition_of(self, path):
        """The condition of the image at ``path`` (under ``data_root``), from its file name."""
        if self.condition_pattern is None:
            return self.single_condition
        match = self.condition_pattern.search(osp.basename(path))
        if match is None or not match.group('condition'):
            raise ValueError(f'{self.name}: file name {path} does not match condition_pattern '
                             f'{self.condition_pattern.pattern!r}')
        return match.group('condition')

    def scan(self):
        data_list = []
        for subject in sorted(n for n in os.listdir(self.data_root) if not n.startswith('.')):
            folder = osp.join(self.data_root, subject)
            if not osp.isdir(folder):
                if subject.lower().endswith(self.extensions):
                    raise ValueError(f'{self.name}: image {folder} is not in a subject folder; expected '
                                     f'{self.data_root}/<subject>/<image>')
                continue
            for fname in sorted(n for n in os.listdir(folder) if not n.startswith('.')):
                path = osp.join(folder, fname)
                if osp.isdir(path):
                    raise ValueError(f'{self.name}: folder {path} inside the subject folder {folder}; expected '
                                     f'{self.data_root}/<subject>/<image>')
                if fname.lower().endswith(self.extensions):
                    data_list.append(dict(img_path=f'{subject}/{fname}', subject=subject,
                                          condition=self.condition_of(path)))
        return data_list
