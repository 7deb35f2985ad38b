"""The one-shot protocol of sec. 5.1-5.2: target splits x randomly chosen exemplars.

For each split (a condition of the target dataset, e.g. one light direction
of Extended Yale B) and each exemplar seed, K HR/LR exemplar pairs (K = 1 in
the paper) are drawn from K distinct subjects of that split; the test set is
the split's faces of every other subject, so the adapted model never sees a
test subject. Results are averaged over splits and seeds (the paper: 10
splits, 10 exemplars each).
"""
from dataclasses import dataclass
from typing import List, Tuple

import numpy as np

from dapfsr.registry import ADAPTATIONS, DATASETS
from dapfsr.utils.user_errors import InputError, did_you_mean
from .base_face_dataset import as_name_list
from .transforms.seeding import stable_hash


def protocol_config(cfg, protocol=None):
    """The ``OneShotProtocol`` config of a config file, its dataset filled in.

    A protocol without a ``dataset`` (the target bases in ``configs/_base_/targets/``)
    draws its tasks from the config's test set, ``test_dataloader.dataset``: the target
    data is named once, and its faces are made by the test pipeline of the source
    config it is composed with, at that model's HR size.

    Args:
        cfg (Config | dict): The config.
        protocol (dict, optional): Default ``cfg.one_shot_protocol``.

    Raises:
        KeyError: No protocol, or no dataset for it; names the config.
    """
    name = getattr(cfg, 'filename', None) or 'the config'
    protocol = protocol if protocol is not None else cfg.get('one_shot_protocol')
    if protocol is None:
        raise KeyError(f'{name} has no "one_shot_protocol"')
    if protocol.get('dataset') is None:
        dataset = (cfg.get('test_dataloader') or {}).get('dataset')
        if dataset is None:
            raise KeyError(f'{name}: "one_shot_protocol" has no dataset and there is no '
                           '"test_dataloader.dataset" to take its tasks from')
        protocol = dict(protocol, dataset=dataset)
    return dict(protocol)


def config_splits(cfg, protocol_splits=True):
    """The splits a config gives its one-shot protocol, and the key that names them: the
    protocol's ``splits`` (with ``protocol_splits``), else its target dataset's
    ``conditions``; ``(None, None)`` when the config leaves them to the data."""
    protocol = cfg.get('one_shot_protocol') or {}
    if protocol_splits and protocol.get('splits') is not None:
        return as_name_list(protocol['splits'], 'splits'), 'one_shot_protocol.splits'
    if protocol.get('dataset') is not None:
        dataset, where = protocol['dataset'], 'one_shot_protocol.dataset'
    else:
        dataset, where = (cfg.get('test_dataloader') or {}).get('dataset') or {}, 'test_dataloader.dataset'
    if not isinstance(dataset, dict) or dataset.get('conditions') is None:
        return None, None
    return as_name_list(dataset['conditions'], 'conditions'), f'{where}.conditions'


def check_protocol_splits(cfg, split=None):
    """Refuse a split the config does not have, before any data is read: ``split``
    (``tools/adapt.py --split``) not among :func:`config_splits`, or, without it, a
    ``one_shot_protocol.splits`` entry not among the target dataset's ``conditions``.

    Raises:
        InputError: Naming the split and the config's splits (where the config lists them).
    """
    name = getattr(cfg, 'filename', None) or 'the config'
    protocol = cfg.get('one_shot_protocol')
    if protocol is None:
        if split is None:
            return
        raise InputError(f'--split {split}: {name} has no "one_shot_protocol" to draw exemplars by')
    option = '--split' if split is not None else 'one_shot_protocol.splits'
    wanted = [str(split)] if split is not None else as_name_list(protocol.get('splits'), 'splits') or []
    splits, where = config_splits(cfg, protocol_splits=split is not None)
    for value in wanted:
        if splits is not None and value not in splits:
            raise InputError(f'{option} {value!r} is not a split of {name}: its splits ({where}) are '
                             f'{", ".join(splits)}{did_you_mean(value, splits)}')


@dataclass(frozen=True)
class OneShotTask:
    """One (split, seed) of the protocol; indices refer to :attr:`OneShotProtocol.dataset`."""
    split: str
    seed: int
    exemplar_indices: Tuple[int, ...]
    exemplar_subjects: Tuple[str, ...]
    test_indices: Tuple[int, ...]


@ADAPTATIONS.register_module()
class OneShotProtocol:
    """Splits x exemplar seeds of a one-shot domain adaptation benchmark.

    Args:
        dataset (dict | BaseFaceDataset): The target dataset (config or
            instance). A config is built with ``conditions=splits``; in a config
            file, :func:`protocol_config` makes it the test set by default.
        splits (Sequence[str] | None): Conditions evaluated; None takes the
            dataset's conditions (its config's ``conditions``, else all it holds).
        num_exemplars (int): K, exemplar pairs per task (1 in the paper).
        exemplar_seeds (Sequence[int]): One task per split and seed.
        holdout_subjects (Sequence[str] | None): None draws the exemplars'
            subjects from all subjects of the split and leaves just them out of
            that task's test set. A list draws exemplars only from these
            subjects and leaves all of them out of every test set (one test
            set per split, whatever the seed).

    The draw for (split, seed) uses ``numpy.random.default_rng([seed,
    crc32(split)])``: the same on every machine and independent of the other
    splits. Every sample needs a subject: without one the exemplar's other
    photos could land in its test set, so such a dataset is refused.

    Example::

        protocol = OneShotProtocol(dict(type='ExtendedYaleBDataset', data_root=root,
                                        pipeline=test_pipeline))
        for task in protocol.tasks():
            exemplars = protocol.exemplars(task)            # list of packed samples
            test_set = protocol.test_dataset(task)          # dataset for a dataloader
    """

    def __init__(self, dataset, splits=None, num_exemplars=1, exemplar_seeds=tuple(range(10)),
                 holdout_subjects=None):
        if isinstance(dataset, dict):
            cfg = dict(dataset)
            if splits is None:
                splits = cfg.get('conditions')
            if splits is not None:
                cfg['conditions'] = list(splits)
            dataset = DATASETS.build(cfg)
        self.dataset = dataset
        conditions = [str(c) for c in dataset.column('condition')]
        self.splits = as_name_list(splits, 'splits') or sorted(set(conditions))
        if num_exemplars < 1:
            raise ValueError(f'num_exemplars must be >= 1, got {num_exemplars}')
        self.num_exemplars = int(num_exemplars)
        self.exemplar_seeds = [int(s) for s in exemplar_seeds]
        self.holdout_subjects = as_name_list(holdout_subjects, 'holdout_subjects')
        subjects = dataset.column('subject')
        missing = sum(s is None for s in subjects)
        if missing:
            raise ValueError(
                f'{type(dataset).__name__} ({dataset.data_root}): {missing} of {len(subjects)} faces have no '
                'subject, so the one-shot protocol cannot keep the exemplar\'s person out of the test set; '
                'use SubjectFolderDataset (one folder per subject) or set "subject" in the annotation file '
                '(ImageFolderDataset(every_image_own_subject=True) if no person appears twice in a split)')
        subjects = [str(s) for s in subjects]
        self._split_members = {}
        for split in self.splits:
            members = [(i, subjects[i]) for i, c in enumerate(conditions) if c == split]
            if not members:
                raise ValueError(f'split {split!r} has no samples in {type(dataset).__name__} '
                                 f'({dataset.data_root})')
            self._split_members[split] = members

    def task(self, split, seed):
        """The :class:`OneShotTask` of ``split`` and ``seed``."""
        if split not in self._split_members:
            raise KeyError(f'unknown split {split!r}; the protocol has {self.splits}')
        members = self._split_members[split]
        by_subject = {}
        for index, subject in members:
            by_subject.setdefault(subject, []).append(index)
        candidates = sorted(by_subject)
        if self.holdout_subjects is not None:
            candidates = sorted(set(candidates) & set(self.holdout_subjects))
        if len(candidates) < self.num_exemplars:
            raise ValueError(f'split {split!r} has {len(candidates)} candidate exemplar subjects, '
                             f'fewer than num_exemplars={self.num_exemplars}')
        rng = np.random.default_rng([int(seed), stable_hash(split)])
        chosen = [candidates[i] for i in rng.choice(len(candidates), self.num_exemplars, replace=False)]
        exemplars = tuple(int(by_subject[s][rng.integers(len(by_subject[s]))]) for s in chosen)
        excluded = set(chosen) | set(self.holdout_subjects or ())
        test = tuple(index for index, subject in members if subject not in excluded)
        if not test:
            raise ValueError(f'split {split!r} has no test faces left after holding out {sorted(excluded)}')
        return OneShotTask(split, int(seed), exemplars, tuple(chosen), test)

    def tasks(self) -> List[OneShotTask]:
        """Every (split, seed) task, split-major, in the order of ``splits`` and seeds."""
        return [self.task(split, seed) for split in self.splits for seed in self.exemplar_seeds]

    def exemplar_dataset(self, task):
        """The task's exemplar faces as a dataset (same pipeline as the test set)."""
        return self.dataset.get_subset(list(task.exemplar_indices))

    def test_dataset(self, task):
        """The task's test faces as a dataset."""
        return self.dataset.get_subset(list(task.test_indices))

    def exemplars(self, task):
        """The task's exemplar pairs after the pipeline: ``[dict(inputs=LR, data_samples=...)]``."""
        return [self.dataset[i] for i in task.exemplar_indices]
