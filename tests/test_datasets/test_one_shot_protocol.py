"""The one-shot protocol on the real Extended Yale B: deterministic, disjoint exemplars and tests;
a dataset without subjects is refused."""
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.config import Config

from dapfsr.datasets import ExtendedYaleBDataset, OneShotProtocol
from dapfsr.registry import ADAPTATIONS

PIPELINE = [dict(type='LoadFaceImage'), dict(type='CropAndResize', size=32),
            dict(type='RandomFaceAffine', seed=0), dict(type='MatlabResize', keys='lr', size=8),
            dict(type='PackFaceInputs')]


YALEB_SPLITS = Config.fromfile(osp.join(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))),
                                        'configs', '_base_', 'targets', 'yaleb.py')).target_dataset.conditions


@pytest.fixture
def yaleb_cfg(yaleb_root):
    return dict(type='ExtendedYaleBDataset', data_root=yaleb_root, conditions=YALEB_SPLITS, pipeline=PIPELINE)


def test_tasks_are_deterministic_and_disjoint(yaleb_cfg):
    protocol = OneShotProtocol(yaleb_cfg)
    assert protocol.splits == YALEB_SPLITS  # the dataset's conditions
    tasks = protocol.tasks()
    assert len(tasks) == 10 * 10
    assert tasks == OneShotProtocol(yaleb_cfg).tasks()  # rebuilt from scratch: same draws
    conditions = protocol.dataset.column('condition')
    subjects = protocol.dataset.column('subject')
    for task in tasks:
        assert len(task.exemplar_indices) == 1 and len(task.exemplar_subjects) == 1
        members = {i for i, c in enumerate(conditions) if c == task.split}
        assert set(task.exemplar_indices) | set(task.test_indices) == members
        assert subjects[task.exemplar_indices[0]] == task.exemplar_subjects[0]
        assert task.exemplar_subjects[0] not in {subjects[i] for i in task.test_indices}
        assert len(task.test_indices) == 37
    for split in protocol.splits:
        chosen = {t.exemplar_subjects for t in tasks if t.split == split}
        assert len(chosen) >= 5  # ten seeds pick (mostly) different exemplars


def test_exemplars_and_test_sets_are_datasets(yaleb_cfg):
    protocol = ADAPTATIONS.build(dict(type='OneShotProtocol', dataset=yaleb_cfg, splits=['A+000E+00', 'A-050E+00'],
                                   exemplar_seeds=[3]))
    task = protocol.task('A-050E+00', 3)
    exemplar, = protocol.exemplars(task)
    assert exemplar['inputs'].shape == (1, 8, 8) and exemplar['data_samples'].gt_img.shape == (1, 32, 32)
    assert exemplar['data_samples'].condition == 'A-050E+00'
    assert exemplar['data_samples'].subject == task.exemplar_subjects[0]
    test_set = protocol.test_dataset(task)
    assert len(test_set) == len(task.test_indices)
    assert task.exemplar_subjects[0] not in test_set.column('subject')
    assert set(test_set.column('condition')) == {'A-050E+00'}
    sample = test_set[0]['data_samples']
    # a face keeps its LR input whichever subset it is read from (seeded by img_key)
    same = protocol.dataset[task.test_indices[0]]['data_samples']
    assert sample.img_key == same.img_key and (sample.lr_img == same.lr_img).all()
    assert len(protocol.exemplar_dataset(task)) == 1


def test_fixed_holdout_and_several_exemplars(yaleb_cfg):
    holdout = ['yaleB01', 'yaleB02', 'yaleB03', 'yaleB04']
    protocol = OneShotProtocol(yaleb_cfg, splits=['A+025E+00'], num_exemplars=2, exemplar_seeds=range(6),
                               holdout_subjects=holdout)
    tasks = protocol.tasks()
    subjects = protocol.dataset.column('subject')
    assert len({t.test_indices for t in tasks}) == 1  # one test set per split
    for task in tasks:
        assert len(set(task.exemplar_subjects)) == 2 and set(task.exemplar_subjects) <= set(holdout)
        assert not {subjects[i] for i in task.test_indices} & set(holdout)
        assert len(task.test_indices) == 38 - 4
    with pytest.raises(ValueError, match='fewer than num_exemplars=5'):
        OneShotProtocol(yaleb_cfg, splits=['A+025E+00'], num_exemplars=5, holdout_subjects=holdout).tasks()


def test_bad_requests_are_named(yaleb_cfg, yaleb_root):
    protocol = OneShotProtocol(ExtendedYaleBDataset(yaleb_root), exemplar_seeds=[0])
    assert len(protocol.splits) == 64  # an instance without splits: all its conditions
    with pytest.raises(KeyError, match='A\\+001E\\+00'):
        protocol.task('A+001E+00', 0)
    with pytest.raises(ValueError, match='num_exemplars'):
        OneShotProtocol(yaleb_cfg, num_exemplars=0)


def test_a_dataset_without_subjects_is_refused(tmp_path):
    for condition in ('dark', 'bright'):
        (tmp_path / condition).mkdir()
        for i in range(3):
            cv2.imwrite(str(tmp_path / condition / f'{i}.png'), np.full((8, 8), 40 * i, np.uint8))
    with pytest.raises(ValueError, match=r'^ImageFolderDataset \(.*\): 6 of 6 faces have no subject.*'
                                         r'use SubjectFolderDataset .* set "subject"'):
        OneShotProtocol(dict(type='ImageFolderDataset', data_root=str(tmp_path)))
    protocol = OneShotProtocol(dict(type='ImageFolderDataset', data_root=str(tmp_path),
                                    every_image_own_subject=True), exemplar_seeds=[0])
    task = protocol.task('dark', 0)
    assert task.exemplar_subjects == (protocol.dataset.get_data_info(task.exemplar_indices[0])['img_key'], )
    assert len(task.test_indices) == 2 and task.exemplar_indices[0] not in task.test_indices
