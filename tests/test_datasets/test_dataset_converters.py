"""tools/dataset_converters: annotation files that the datasets read instead of the raw layout."""
import json
import os.path as osp
import runpy
import sys

import cv2
import numpy as np
import pytest

from dapfsr.datasets import ExtendedYaleBDataset, ImageFolderDataset, MultiPIEDataset, SubjectFolderDataset
from dapfsr.datasets.annotations import read_face_boxes

from fake_face_trees import fake_multipie, fake_subject_folders

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def run_converter(name, *args, monkeypatch):
    monkeypatch.setattr(sys, 'argv', [name, *map(str, args)])
    runpy.run_path(osp.join(REPO_ROOT, 'tools', 'dataset_converters', f'{name}.py'), run_name='__main__')


def test_yaleb_annotation_file_gives_the_same_dataset(yaleb_root, tmp_path, monkeypatch, capsys):
    out = tmp_path / 'yaleb.json'
    run_converter('yaleb', yaleb_root, '--out', out, monkeypatch=monkeypatch)
    assert f'{out}: 2414 images' in capsys.readouterr().out
    meta = json.loads(out.read_text())['metainfo']
    assert meta == dict(domain='yaleb', dataset_type='ExtendedYaleBDataset')
    from_file = ExtendedYaleBDataset(yaleb_root, ann_file=str(out), conditions=['A+000E+00', 'A+070E+00'])
    from_raw = ExtendedYaleBDataset(yaleb_root, conditions=['A+000E+00', 'A+070E+00'])
    assert [from_file.get_data_info(i) for i in range(len(from_file))] == \
        [from_raw.get_data_info(i) for i in range(len(from_raw))]


def test_multipie_boxes_reach_the_crop(tmp_path, monkeypatch):
    root, paths = fake_multipie(tmp_path / 'Multi-PIE', subjects=('001', ), flashes=('07', ))
    boxes = tmp_path / 'boxes.csv'
    neutral = [osp.relpath(p, root) for p in paths if '_01_01_' in osp.basename(p)]
    boxes.write_text('img_path,top,left,height,width\n' + f'{neutral[0]},4,8,30.4,20\n')
    out = tmp_path / 'ann' / 'faces.json'
    run_converter('multipie', root, '--out', out, '--boxes', boxes, monkeypatch=monkeypatch)
    dataset = MultiPIEDataset(root, ann_file=str(out), pipeline=[
        dict(type='LoadFaceImage'), dict(type='CropAndResize', size=16), dict(type='PackFaceInputs')])
    assert len(dataset) == 1  # the one face with a box; the others are left out
    assert dataset.get_data_info(0)['crop_box'] == [4, 8, 30, 20]
    assert dataset[0]['inputs'].shape == (3, 16, 16)


def test_subject_folder_annotation_file_keeps_subjects_conditions_and_domain(tmp_path, monkeypatch, capsys):
    root = fake_subject_folders(tmp_path / 'faces', subjects=('s1', 's2'))
    out = tmp_path / 'faces.json'
    pattern = r'_(?P<condition>light[+-]\d+)\.'
    run_converter('subject_folder', root, '--out', out, '--domain', 'toy', '--condition-pattern', pattern,
                  monkeypatch=monkeypatch)
    assert f'{out}: 8 images' in capsys.readouterr().out
    assert json.loads(out.read_text())['metainfo'] == dict(domain='toy', dataset_type='SubjectFolderDataset')
    from_file = SubjectFolderDataset(root, ann_file=str(out), conditions='light-30')
    from_raw = SubjectFolderDataset(root, condition_pattern=pattern, metainfo=dict(domain='toy'),
                                    conditions='light-30')
    assert len(from_file) == 4 and from_file.column('subject') == ['s1', 's1', 's2', 's2']
    assert [from_file.get_data_info(i) for i in range(4)] == [from_raw.get_data_info(i) for i in range(4)]
    assert from_file.get_data_info(0)['domain'] == 'toy'


def test_bad_box_file_and_annotation_file(tmp_path, yaleb_root):
    boxes = tmp_path / 'boxes.csv'
    boxes.write_text('a.png,1,2,three,4\n')
    with pytest.raises(ValueError, match='boxes.csv, line 1'):
        read_face_boxes(str(boxes))
    with pytest.raises(FileNotFoundError, match='annotation file .*absent.json'):
        ExtendedYaleBDataset(yaleb_root, ann_file=str(tmp_path / 'absent.json'))
    bad = tmp_path / 'bad.json'
    bad.write_text(json.dumps(dict(data_list=[])))
    with pytest.raises(ValueError, match='bad annotation file .*bad.json'):
        ExtendedYaleBDataset(yaleb_root, ann_file=str(bad))


def test_wider_face_tiny_crops_feed_the_lr_folder(tmp_path, monkeypatch, capsys):
    root = tmp_path / 'WIDER'
    (root / 'wider_face_split').mkdir(parents=True)
    (root / 'WIDER_val' / 'images' / '0--Parade').mkdir(parents=True)
    frame = np.zeros((80, 100, 3), np.uint8)
    frame[20:34, 30:42] = 255  # the tiny face, 12 x 14
    cv2.imwrite(str(root / 'WIDER_val' / 'images' / '0--Parade' / 'a.jpg'), frame)
    # x y w h blur expression illumination invalid occlusion pose
    (root / 'wider_face_split' / 'wider_face_val_bbx_gt.txt').write_text(
        '0--Parade/a.jpg\n4\n'
        '30 20 12 14 0 0 0 0 0 0\n'   # kept
        '0 0 40 40 0 0 0 0 0 0\n'     # too large
        '50 50 10 10 0 0 0 1 0 0\n'   # marked invalid
        '92 70 10 12 1 0 0 0 1 0\n'   # kept: sticks out of the frame
        '0--Parade/empty.jpg\n0\n0 0 0 0 0 0 0 0 0 0\n')
    out = tmp_path / 'tiny'
    run_converter('wider_face', root, '--out-dir', out, monkeypatch=monkeypatch)
    assert f'{out}: 2 faces' in capsys.readouterr().out
    first = cv2.imread(str(out / '0--Parade' / 'a_0.png'))
    assert first.shape == (17, 17, 3)  # 1.2 x the longer side, around the box centre
    assert first[8, 8].min() > 235 and first[0, 0].max() < 20  # JPEG: near, not exact
    assert cv2.imread(str(out / '0--Parade' / 'a_1.png')).shape == (14, 14, 3)
    dataset = ImageFolderDataset(str(out), pipeline=[dict(type='LoadFaceImage', key='lr'),
                                                     dict(type='MatlabResize', keys='lr', size=16),
                                                     dict(type='PackFaceInputs')])
    assert len(dataset) == 2 and dataset[0]['inputs'].shape == (3, 16, 16)


def test_celeba_hq_converter_splits_by_index_and_resizes(tmp_path, monkeypatch, capsys):
    src = tmp_path / 'CelebA-HQ-img'
    src.mkdir()
    rng = np.random.default_rng(0)
    faces = {i: cv2.resize(rng.integers(0, 256, (8, 8, 3), np.uint8), (256, 256)) for i in (0, 7999, 8000, 8499, 8500, 19999, 20000)}
    for i, img in faces.items():
        cv2.imwrite(str(src / f'{i}.png'), img)
    out = tmp_path / 'celeba_hq_128'
    run_converter('celeba_hq', src, out, monkeypatch=monkeypatch)
    assert capsys.readouterr().out.strip().endswith('2 train, 2 test, 2 extra')
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob('*.jpg')) == [
        'extra/08500.jpg', 'extra/19999.jpg', 'test/08000.jpg', 'test/08499.jpg',
        'train/00000.jpg', 'train/07999.jpg']
    written = cv2.imread(str(out / 'test' / '08499.jpg'))
    expected = cv2.resize(faces[8499], (128, 128), interpolation=cv2.INTER_LANCZOS4)
    assert written.shape == (128, 128, 3) and np.abs(written.astype(float) - expected).mean() < 2  # JPEG q95
    assert np.abs(written.astype(float) - cv2.resize(faces[8000], (128, 128))).mean() > 20
