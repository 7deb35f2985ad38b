"""SubjectFolderDataset: one folder per subject, conditions from file names; the one-shot protocol on it."""
import os.path as osp

import pytest
from mmengine.config import Config

from dapfsr.datasets import OneShotProtocol, SubjectFolderDataset, protocol_config
from dapfsr.registry import ADAPTATIONS

from fake_face_trees import fake_subject_folders

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

LIGHT = r'_(?P<condition>light[+-]\d+)\.'
PIPELINE = [dict(type='LoadFaceImage', num_channels=3), dict(type='CropAndResize', size=16),
            dict(type='RandomFaceAffine', preset='none'), dict(type='MatlabResize', keys='lr', size=4),
            dict(type='PackFaceInputs')]


def test_subjects_are_folders_and_conditions_file_names(tmp_path):
    root = fake_subject_folders(tmp_path / 'faces', subjects=('s1', 's2'))
    (tmp_path / 'faces' / 'README.txt').write_text('not a subject')
    (tmp_path / 'faces' / 's2' / 'Thumbs.db').write_text('not an image')
    dataset = SubjectFolderDataset(root, condition_pattern=LIGHT, metainfo=dict(domain='toy'), pipeline=PIPELINE)
    assert dataset.column('img_key')[:4] == ['s1/s1_00_light+00.pgm', 's1/s1_00_light-30.pgm',
                                             's1/s1_01_light+00.pgm', 's1/s1_01_light-30.pgm']
    assert dataset.column('subject') == ['s1'] * 4 + ['s2'] * 4
    assert dataset.column('condition') == ['light+00', 'light-30'] * 4
    sample = dataset[5]['data_samples']
    assert sample.subject == 's2' and sample.condition == 'light-30' and sample.domain == 'toy'
    assert sample.gt_img.shape == (3, 16, 16) and sample.lr_img.shape == (3, 4, 4)
    single = SubjectFolderDataset(root, subjects='s2')
    assert single.column('condition') == ['all'] * 4 and single.column('subject') == ['s2'] * 4
    assert single.get_data_info(0)['domain'] == 'faces'


def test_protocol_tests_no_face_of_the_exemplar_subject(tmp_path):
    root = fake_subject_folders(tmp_path / 'faces', subjects=('s1', 's2', 's3', 's4'), photos=3)
    protocol = OneShotProtocol(dict(type='SubjectFolderDataset', data_root=root, condition_pattern=LIGHT,
                                    pipeline=PIPELINE), exemplar_seeds=range(4))
    assert protocol.splits == ['light+00', 'light-30']
    subjects, conditions = protocol.dataset.column('subject'), protocol.dataset.column('condition')
    for task in protocol.tasks():
        exemplar, = task.exemplar_subjects
        assert subjects[task.exemplar_indices[0]] == exemplar
        test_subjects = [subjects[i] for i in task.test_indices]
        assert exemplar not in test_subjects and len(test_subjects) == 3 * 3  # 3 photos of 3 others
        assert {conditions[i] for i in task.test_indices} == {task.split}


def test_layouts_that_do_not_fit_are_named(tmp_path):
    root = fake_subject_folders(tmp_path / 'faces', subjects=('s1', ))
    with pytest.raises(ValueError, match=r"s1_00_light\+00.pgm does not match condition_pattern '_\(\?P<cond"):
        SubjectFolderDataset(root, condition_pattern=r'_(?P<condition>pose\d+)\.')
    with pytest.raises(ValueError, match='no named group'):
        SubjectFolderDataset(root, condition_pattern=r'_(light[+-]\d+)\.')
    (tmp_path / 'faces' / 's1' / 'session2').mkdir()
    with pytest.raises(ValueError, match='folder .*s1/session2 inside the subject folder'):
        SubjectFolderDataset(root)
    (tmp_path / 'faces' / 's1' / 'session2').rmdir()
    (tmp_path / 'faces' / 'loose.pgm').write_bytes(b'P5')
    with pytest.raises(ValueError, match='image .*faces/loose.pgm is not in a subject folder'):
        SubjectFolderDataset(root)
    (tmp_path / 'empty').mkdir()
    with pytest.raises(ValueError, match='no images found'):
        SubjectFolderDataset(str(tmp_path / 'empty'))


def test_template_config_gives_one_split_of_every_face(tmp_path, monkeypatch):
    fake_subject_folders(tmp_path / 'my_faces', subjects=('s1', 's2', 's3'), photos=1)
    monkeypatch.setenv('DAPFSR_DATA_ROOT', str(tmp_path))
    config = tmp_path / 'my_target.py'  # the template composed with a source, as docs/add_target_domain.md
    config.write_text(
        f"_base_ = [{osp.join(REPO_ROOT, 'configs', 'dapfsr', 'dapfsr_small_17k_celeba-hq.py')!r},\n"
        f"          {osp.join(REPO_ROOT, 'configs', '_base_', 'targets', 'subject_folder.py')!r},\n"
        f"          {osp.join(REPO_ROOT, 'configs', '_base_', 'adaptation', 'damma_small.py')!r}]\n"
        "test_dataloader = dict(dataset=dict(_base_.target_dataset, pipeline=_base_.test_pipeline, "
        "_delete_=True))\n")
    protocol = ADAPTATIONS.build(protocol_config(Config.fromfile(str(config))))
    assert protocol.splits == ['all'] and len(protocol.tasks()) == 10
    task = protocol.task('all', 0)
    assert len(task.test_indices) == 2 * 2  # two photos (conditions) of each of the other two subjects
    sample = protocol.exemplars(task)[0]['data_samples']
    assert sample.domain == 'my_faces' and sample.gt_img.shape == (3, 64, 64) and sample.lr_img.shape == (3, 16, 16)


def test_each_subset_copies_the_pipeline_afresh(tmp_path):
    # mmengine's get_subset shares one deepcopy memo across calls: a second subset got the
    # first one's pipeline, and an object born at a freed dataset's address was "copied" to
    # that dataset (CI once found a dataset among a test set's transforms)
    dataset = SubjectFolderDataset(fake_subject_folders(tmp_path / 'faces'), condition_pattern=LIGHT,
                                   pipeline=PIPELINE)
    first, second = dataset.get_subset([0, 1]), dataset.get_subset([2])
    transforms = [dataset.pipeline.transforms, first.pipeline.transforms, second.pipeline.transforms]
    assert len({id(t) for ts in transforms for t in ts}) == 3 * len(PIPELINE)
    assert [type(t) for t in second.pipeline.transforms] == [type(t) for t in dataset.pipeline.transforms]
    assert second[0]['data_samples'].img_key == dataset[2]['data_samples'].img_key
