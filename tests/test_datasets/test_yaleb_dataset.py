"""Extended Yale B on the real cropped release: counts checked against the directory listing."""
import collections
import os
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from dapfsr.datasets import ExtendedYaleBDataset
from dapfsr.registry import DATASETS

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

PIPELINE = [dict(type='LoadFaceImage', key='gt'), dict(type='CropAndResize', size=128),
            dict(type='RandomFaceAffine', seed=0), dict(type='MatlabResize', keys='lr', size=16),
            dict(type='PackFaceInputs')]


def listing(root):
    """(subject, condition) of every lit frame, from file names split by hand."""
    pairs = []
    for subject in sorted(os.listdir(root)):
        for fname in os.listdir(osp.join(root, subject)):
            if fname.endswith('.pgm') and 'Ambient' not in fname:
                pairs.append((fname[:7], fname[:-4].split('_P00')[1]))
    return pairs


def test_counts_match_the_directory_listing(yaleb_root):
    dataset = ExtendedYaleBDataset(yaleb_root)
    pairs = listing(yaleb_root)
    assert len(dataset) == len(pairs)
    subjects, conditions = dataset.column('subject'), dataset.column('condition')
    assert collections.Counter(subjects) == collections.Counter(s for s, _ in pairs)
    assert collections.Counter(conditions) == collections.Counter(c for _, c in pairs)
    # known facts of the release
    assert len(set(subjects)) == 38 and 'yaleB14' not in subjects
    assert {'yaleB01', 'yaleB13', 'yaleB15', 'yaleB39'} <= set(subjects)
    assert len(set(conditions)) == 64
    assert max(collections.Counter(subjects).values()) == 64


def test_ambient_frames_on_request(yaleb_root):
    with_ambient = ExtendedYaleBDataset(yaleb_root, include_ambient=True)
    num_files = sum(f.endswith('.pgm') for s in os.listdir(yaleb_root)
                    for f in os.listdir(osp.join(yaleb_root, s)))
    assert len(with_ambient) == num_files
    ambient = ExtendedYaleBDataset(yaleb_root, include_ambient=True, conditions='Ambient')
    assert all(info is None for info in ambient.column('azimuth'))


def test_the_benchmark_splits_cover_every_subject(yaleb_root):
    splits = Config.fromfile(osp.join(REPO_ROOT, 'configs', '_base_', 'targets', 'yaleb.py')).target_dataset.conditions
    dataset = ExtendedYaleBDataset(yaleb_root, conditions=splits)
    assert len(splits) == 10
    per_split = collections.Counter(dataset.column('condition'))
    assert set(per_split) == set(splits)
    assert set(per_split.values()) == {38}


def test_sample_after_pipeline(yaleb_root):
    dataset = DATASETS.build(dict(type='ExtendedYaleBDataset', data_root=yaleb_root,
                                  subjects=['yaleB02'], conditions=['A+035E+15'], pipeline=PIPELINE))
    assert len(dataset) == 1
    info = dataset.get_data_info(0)
    assert (info['azimuth'], info['elevation'], info['pose']) == (35, 15, 'P00')
    out = dataset[0]
    sample = out['data_samples']
    assert out['inputs'].shape == (1, 16, 16) and sample.gt_img.shape == (1, 128, 128)
    assert sample.gt_img.dtype == torch.float32 and 0 <= sample.gt_img.min() < sample.gt_img.max() <= 1
    assert sample.metainfo['domain'] == 'yaleb' and sample.subject == 'yaleB02'
    assert sample.img_path == osp.join(yaleb_root, 'yaleB02', 'yaleB02_P00A+035E+15.pgm')
    assert set(sample.affine) == {'rotation', 'translation', 'scale'}
    again = dataset[0]
    torch.testing.assert_close(again['inputs'], out['inputs'], atol=0, rtol=0)


def test_unknown_subject_or_condition_is_named(yaleb_root):
    with pytest.raises(ValueError, match=r"yaleB14"):
        ExtendedYaleBDataset(yaleb_root, subjects=['yaleB14'])
    with pytest.raises(ValueError, match=r"A\+999E\+00"):
        ExtendedYaleBDataset(yaleb_root, conditions=['A+999E+00'])


def test_missing_folder_and_wrong_layout_name_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match=str(tmp_path / 'absent')):
        ExtendedYaleBDataset(str(tmp_path / 'absent'))
    (tmp_path / 'faces').mkdir()
    (tmp_path / 'faces' / 'img.png').write_bytes(b'')
    with pytest.raises(ValueError, match=f'{tmp_path / "faces"} has no yaleBNN folders'):
        ExtendedYaleBDataset(str(tmp_path / 'faces'))
    subject = tmp_path / 'yale' / 'yaleB07'
    subject.mkdir(parents=True)
    (subject / 'yaleB07_P00A+000E+00.pgm').write_bytes(b'')
    (subject / 'yaleB07_P00A+050E-40.pgm.bad').write_bytes(b'')  # the release's marked frames are skipped
    assert len(ExtendedYaleBDataset(str(tmp_path / 'yale'))) == 1
    (subject / 'yaleB08_P00A+000E+00.pgm').write_bytes(b'')
    with pytest.raises(ValueError, match='unexpected file .*yaleB07/yaleB08_P00A'):
        ExtendedYaleBDataset(str(tmp_path / 'yale'))


def test_truncated_frame_names_the_path(tmp_path, yaleb_root):
    subject = tmp_path / 'yaleB01'
    subject.mkdir()
    data = open(osp.join(yaleb_root, 'yaleB01', 'yaleB01_P00A+000E+00.pgm'), 'rb').read()
    (subject / 'yaleB01_P00A+000E+00.pgm').write_bytes(data[:len(data) // 2])
    dataset = ExtendedYaleBDataset(str(tmp_path), pipeline=PIPELINE)
    with pytest.raises(ValueError, match='yaleB01_P00A\\+000E\\+00.pgm.*truncated'):
        dataset[0]
