import logging
import warnings

import cv2
import numpy as np
import pytest
from mmengine.logging import MMLogger

from dapfsr.datasets import ImageFolderDataset


def test_lr_only_folder(tmp_path):
    (tmp_path / 'party').mkdir()
    cv2.imwrite(str(tmp_path / 'b.png'), np.zeros((11, 9, 3), np.uint8))
    cv2.imwrite(str(tmp_path / 'a.jpg'), np.zeros((20, 14, 3), np.uint8))
    cv2.imwrite(str(tmp_path / 'party' / 'c.bmp'), np.zeros((7, 7), np.uint8))
    (tmp_path / 'notes.txt').write_text('not an image')
    pipeline = [dict(type='LoadFaceImage', key='lr', num_channels=3),
                dict(type='MatlabResize', keys='lr', size=16), dict(type='PackFaceInputs')]
    dataset = ImageFolderDataset(str(tmp_path), metainfo=dict(domain='wider_tiny'), pipeline=pipeline)
    assert dataset.column('img_key') == ['a.jpg', 'b.png', 'party/c.bmp']
    assert dataset.column('condition') == [None, None, 'party']
    for i in range(3):
        out = dataset[i]
        assert out['inputs'].shape == (3, 16, 16) and 'gt_img' not in out['data_samples']
        assert out['data_samples'].domain == 'wider_tiny'
    assert len(ImageFolderDataset(str(tmp_path), recursive=False)) == 2


def test_empty_or_missing_folder(tmp_path):
    with pytest.raises(ValueError, match=f'no images found in {tmp_path}'):
        ImageFolderDataset(str(tmp_path))
    with pytest.raises(FileNotFoundError, match='data_root .*nothing here'):
        ImageFolderDataset(str(tmp_path / 'nothing here'))


def test_naming_the_domain_warns_nothing_and_reads_no_file(tmp_path, monkeypatch):
    cv2.imwrite(str(tmp_path / 'a.png'), np.zeros((8, 8, 3), np.uint8))
    logged = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = logged.append
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('error')
            dataset = ImageFolderDataset(str(tmp_path), metainfo=dict(domain='wider_tiny'))
    finally:
        logger.removeHandler(handler)
    assert [record.getMessage() for record in logged] == []  # was "wider_tiny is not a meta file, ..."
    assert dataset.metainfo == dict(domain='wider_tiny') and dataset.get_data_info(0)['domain'] == 'wider_tiny'
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'wider_tiny').write_text('a file named as the domain\n')  # mmengine read its lines
    assert ImageFolderDataset(str(tmp_path), metainfo=dict(domain='wider_tiny')).metainfo['domain'] == 'wider_tiny'
    with pytest.raises(TypeError, match='metainfo must be a dict'):
        ImageFolderDataset(str(tmp_path), metainfo='wider_tiny')
