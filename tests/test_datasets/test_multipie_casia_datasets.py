"""Multi-PIE and CASIA NIR-VIS 2.0 on tiny fake trees with the official layouts."""
import collections
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.config import Config

from dapfsr.datasets import CASIANIRVISDataset, MultiPIEDataset
from dapfsr.datasets.multipie_dataset import condition_name

from fake_face_trees import fake_casia, fake_multipie

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_multipie_conditions_and_expressions(tmp_path):
    root, paths = fake_multipie(tmp_path / 'Multi-PIE')
    dataset = MultiPIEDataset(root)
    assert len(dataset) == len(paths) // 2  # neutral recordings only
    assert collections.Counter(dataset.column('condition')) == {
        'cam05_1_flash00': 2, 'cam05_1_flash07': 2, 'cam14_0_flash00': 2, 'cam14_0_flash07': 2}
    info = dataset.get_data_info(0)
    assert (info['subject'], info['session'], info['recording'], info['camera'], info['flash'],
            info['expression']) == ('001', '01', '01', '05_1', '00', 'neutral')
    assert info['img_key'] == 'data/session01/multiview/001/01/05_1/001_01_01_051_00.png'
    assert len(MultiPIEDataset(root, expressions=None)) == len(paths)
    assert set(MultiPIEDataset(root, expressions='smile').column('recording')) == {'02'}
    split = MultiPIEDataset(root, conditions='cam05_1_flash07', subjects='002', pipeline=[
        dict(type='LoadFaceImage'), dict(type='CropAndResize', size=32), dict(type='PackFaceInputs')])
    assert len(split) == 1 and split[0]['inputs'].shape == (3, 32, 32)
    assert split[0]['data_samples'].condition == 'cam05_1_flash07'
    splits = Config.fromfile(osp.join(REPO_ROOT, 'configs', '_base_', 'targets', 'multipie.py')).target_dataset.conditions
    assert len(set(splits)) == 10  # the target benchmark's, named as the dataset names conditions
    assert {condition_name(s[3:7], s[-2:]) for s in splits} == set(splits)


def test_multipie_wrong_layout_names_the_path(tmp_path):
    root, paths = fake_multipie(tmp_path / 'Multi-PIE', subjects=('001', ), cameras=('05_1', ), flashes=('00', ))
    stray = osp.join(osp.dirname(paths[0]), '001_01_01_140_00.png')  # camera 14_0 inside 05_1/
    cv2.imwrite(stray, np.zeros((4, 4), np.uint8))
    with pytest.raises(ValueError, match='001_01_01_140_00.png lies in 001/01/05_1'):
        MultiPIEDataset(root)
    os.remove(stray)
    odd = osp.join(osp.dirname(paths[0]), 'face.png')
    cv2.imwrite(odd, np.zeros((4, 4), np.uint8))
    with pytest.raises(ValueError, match='unexpected file .*face.png'):
        MultiPIEDataset(root)
    with pytest.raises(ValueError, match=f'{tmp_path}/data has no sessionNN folders'):
        MultiPIEDataset(str(tmp_path))


def test_casia_protocol_files(tmp_path):
    root = fake_casia(tmp_path / 'NIR-VIS-2.0')
    nir = CASIANIRVISDataset(root, pipeline=[dict(type='LoadFaceImage', num_channels=3),
                                             dict(type='CropAndResize', size=16), dict(type='PackFaceInputs')])
    assert nir.column('subject') == ['10117', '10118'] and set(nir.column('condition')) == {'NIR'}
    assert nir.get_data_info(0)['img_key'] == 's2/NIR/10117/016.bmp'
    assert nir.get_data_info(0)['session'] == 's2'
    assert nir[1]['inputs'].shape == (3, 16, 16) and nir[1]['data_samples'].domain == 'casia_nirvis'
    both = CASIANIRVISDataset(root, protocol_files=['nir_probe_1.txt', 'vis_gallery_1.txt'])
    assert collections.Counter(both.column('condition')) == {'NIR': 2, 'VIS': 2}
    assert len(CASIANIRVISDataset(root, protocol_files='vis_gallery_1.txt', conditions='VIS')) == 2


def test_casia_bad_protocol_names_file_and_line(tmp_path):
    root = fake_casia(tmp_path / 'NIR-VIS-2.0')
    with pytest.raises(FileNotFoundError, match='protocols/nir_probe_9.txt'):
        CASIANIRVISDataset(root, protocol_files='nir_probe_9.txt')
    with open(osp.join(root, 'protocols', 'nir_probe_1.txt'), 'a') as f:
        f.write('10117 016.bmp\n')
    with pytest.raises(ValueError, match='nir_probe_1.txt, line 3'):
        CASIANIRVISDataset(root)
