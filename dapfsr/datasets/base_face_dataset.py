"""What every face dataset shares: raw-layout scan or annotation file, subject/condition filters."""
import copy
import os.path as osp
from collections.abc import Mapping

from mmengine.dataset import BaseDataset

from dapfsr.registry import TRANSFORMS
from dapfsr.utils.user_errors import InputError, did_you_mean

IMAGE_EXTENSIONS = ('.png', '.jpg', '.jpeg', '.bmp', '.pgm', '.ppm', '.tif', '.tiff', '.webp')


def as_name_list(value, name):
    """None, a string or a sequence of names -> None or a list of str."""
    if value is None:
        return None
    names = [value] if isinstance(value, (str, int)) else list(value)
    if not names:
        raise ValueError(f'{name} is empty; pass None to keep all')
    return [str(v) for v in names]


class BaseFaceDataset(BaseDataset):
    """A face dataset read from its release's own layout or from an annotation file.

    Subclasses implement :meth:`scan`, which lists the release's images as
    dicts with ``img_path`` (relative to ``data_root``), ``subject`` and
    ``condition`` (None where the release has none) and any extra keys (e.g.
    ``crop_box``). ``tools/dataset_converters/<dataset>.py`` writes the same
    list as an mmengine annotation file (``metainfo`` + ``data_list``), which
    may add keys the layout cannot give (e.g. face boxes).

    Each data info gets ``img_path`` (absolute, under ``data_prefix['img_path']``
    or ``data_root``), ``img_key`` (the relative path: a stable identity that
    seeds the random transforms), ``domain`` (from the metainfo), ``subject``
    and ``condition``.

    Args:
        data_root (str): Folder of the release.
        ann_file (str): Annotation file from a converter, relative to
            ``data_root`` or absolute; '' reads the raw layout.
        subjects (str | Sequence[str] | None): Keep only these subjects.
        conditions (str | Sequence[str] | None): Keep only these conditions
            (a condition is a split of a target benchmark).
        **kwargs: ``BaseDataset``'s ``pipeline``, ``test_mode``,
            ``serialize_data``, ``lazy_init``, ``indices``, ``metainfo``, ...
    """

    METAINFO = dict(domain='faces')

    def __init__(self, data_root, ann_file='', subjects=None, conditions=None, **kwargs):
        if not data_root:
            raise ValueError(f'{type(self).__name__} needs a data_root')
        self.subject_filter = as_name_list(subjects, 'subjects')
        self.condition_filter = as_name_list(conditions, 'conditions')
        # build the transforms from dapfsr's registry: no default scope needed
        kwargs['pipeline'] = [TRANSFORMS.build(t) if isinstance(t, dict) else t
                              for t in kwargs.get('pipeline', [])]
        super().__init__(ann_file=ann_file, data_root=data_root, **kwargs)

    @classmethod
    def _load_metainfo(cls, metainfo=None):
        """``METAINFO`` updated by ``metainfo`` as given.

        mmengine's version reads every str value as the name of a file of
        lines and logs "is not a meta file" for each that is not one (e.g.
        ``domain='wider_tiny'``), or silently replaces it by the lines of a
        file of that name in the working directory.
        """
        if metainfo is not None and not isinstance(metainfo, Mapping):
            raise TypeError(f'{cls.__name__}: metainfo must be a dict, got {type(metainfo).__name__}')
        return dict(copy.deepcopy(cls.METAINFO), **(metainfo or {}))

    def _copy_without_annotation(self, memo=None):
        """mmengine's copy for :meth:`get_subset`, with a memo of its own per call.

        mmengine (checked on 0.10.7) defaults ``memo`` to one dict shared by all
        calls and keys it by ``id(self)`` without keeping ``self`` alive: a later
        object at a freed dataset's address (e.g. a transform) then "copies" to
        that old dataset, and two subsets of one dataset share one pipeline.
        """
        return super()._copy_without_annotation({} if memo is None else memo)

    @property
    def name(self):
        return type(self).__name__

    def scan(self):
        """List the raw layout's images: dicts with a relative ``img_path``, ``subject``, ``condition``."""
        raise NotImplementedError(f'{self.name} reads annotation files only; give ann_file')

    def load_data_list(self):
        if not osp.isdir(self.data_root):
            raise FileNotFoundError(f'{self.name}: data_root {self.data_root} is not a folder')
        if self.ann_file:
            if not osp.isfile(self.ann_file):
                raise FileNotFoundError(f'{self.name}: annotation file {self.ann_file} not found')
            try:
                return super().load_data_list()
            except (KeyError, TypeError, ValueError) as err:
                raise ValueError(f'{self.name}: bad annotation file {self.ann_file}: {err}') from err
        return [self.parse_data_info(info) for info in self.scan()]

    def parse_data_info(self, raw_data_info):
        info = dict(raw_data_info)
        if 'img_path' not in info:
            raise KeyError(f'{self.name}: an entry of {self.ann_file or self.data_root} has no img_path')
        info['img_key'] = info['img_path']
        info['img_path'] = osp.join(self.data_prefix.get('img_path') or self.data_root, info['img_path'])
        info['domain'] = self._metainfo.get('domain', 'faces')
        info.setdefault('subject', None)
        info.setdefault('condition', None)
        return info

    def filter_data(self):
        data_list = self.data_list
        for key, wanted in (('subject', self.subject_filter), ('condition', self.condition_filter)):
            if wanted is None:
                continue
            present = {str(info[key]) for info in data_list}
            unknown = [w for w in wanted if w not in present]
            if unknown:
                raise InputError(f'{self.name}: no {key} {", ".join(map(repr, unknown))} in '
                                 f'{self.data_root} (it has {len(present)} {key}s)'
                                 f'{did_you_mean(unknown[0], present)}')
            keep = set(wanted)
            data_list = [info for info in data_list if str(info[key]) in keep]
        if not data_list:
            raise ValueError(f'{self.name}: no images found in {self.ann_file or self.data_root}')
        return data_list

    def column(self, key):
        """``[data_info[key] for each sample]`` (None where a sample lacks it)."""
        return [self.get_data_info(i).get(key) for i in range(len(self))]
