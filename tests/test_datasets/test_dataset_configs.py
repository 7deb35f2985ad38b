"""configs/_base_/datasets and tools/misc/browse_dataset.py on the real data."""
import os.path as osp
import runpy
import sys

import cv2
import pytest
from mmengine.config import Config

from dapfsr.registry import DATASETS

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG_DIR = osp.join(REPO_ROOT, 'configs', '_base_', 'datasets')


@pytest.mark.parametrize('name,folder', [('celeba_hq', 'celeba_hq_128'), ('yaleb', 'CroppedYale'),
                                         ('celeba', 'celeba'), ('multipie', 'Multi-PIE'),
                                         ('casia_nirvis', 'NIR-VIS-2.0'), ('lr_folder', 'wider_tiny_faces'),
                                         ('subject_folder', 'my_faces')])
def test_configs_take_the_data_root_from_the_environment(name, folder, monkeypatch, tmp_path):
    monkeypatch.setenv('DAPFSR_DATA_ROOT', str(tmp_path))
    cfg = Config.fromfile(osp.join(CONFIG_DIR, f'{name}.py'))
    assert cfg.test_dataloader.dataset.data_root == f'{tmp_path}/{folder}'
    assert cfg.scale_lr == 16 and cfg.get('scale_hr', 128) == 128
    assert cfg.val_dataloader.collate_fn.type == 'default_collate'
    if name != 'lr_folder':  # real tiny faces have nothing to train on
        assert cfg.train_dataloader.sampler.shuffle


def test_yaleb_config_builds_the_paper_splits(yaleb_root, monkeypatch):
    monkeypatch.setenv('DAPFSR_DATA_ROOT', osp.dirname(yaleb_root))
    cfg = Config.fromfile(osp.join(CONFIG_DIR, 'yaleb.py'))
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    assert len(dataset) == 380
    out = dataset[0]
    assert out['inputs'].shape == (3, 16, 16) and out['data_samples'].gt_img.shape == (3, 128, 128)
    protocol = DATASETS.build(cfg.one_shot_protocol)
    assert len(protocol.tasks()) == 100


def test_browse_dataset_writes_grids(celeba_hq_root, yaleb_root, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv('DAPFSR_DATA_ROOT', osp.dirname(yaleb_root))
    script = osp.join(REPO_ROOT, 'tools', 'misc', 'browse_dataset.py')
    monkeypatch.setattr(sys, 'argv', [script, osp.join(CONFIG_DIR, 'celeba_hq.py'), '--split', 'val',
                                      '--num', '3', '--out-dir', str(tmp_path)])
    runpy.run_path(script, run_name='__main__')
    grid = cv2.imread(str(tmp_path / 'celeba_hq_val.png'))
    assert grid.shape == (16 + 3 * 130 + 2, 2 * 130 + 2, 3)  # title + 3 rows of LR | HR cells
    monkeypatch.setattr(sys, 'argv', [script, osp.join(CONFIG_DIR, 'yaleb.py'), '--split', 'test',
                                      '--num', '2', '--per-condition', '--out-dir', str(tmp_path)])
    runpy.run_path(script, run_name='__main__')
    printed = capsys.readouterr().out
    assert printed.count('2 of 38 faces') == 10
    assert osp.isfile(tmp_path / 'yaleb_test_A+000E+00.png') and osp.isfile(tmp_path / 'yaleb_test_A-070E+00.png')


def test_degraded_test_config_degrades_half_the_lr_faces_and_nothing_else(celeba_hq_root, monkeypatch):
    monkeypatch.setenv('DAPFSR_DATA_ROOT', osp.dirname(celeba_hq_root))
    dapfsr_configs = osp.join(REPO_ROOT, 'configs', 'dapfsr')
    plain, degraded = (DATASETS.build(dict(Config.fromfile(osp.join(dapfsr_configs, name))
                                           .test_dataloader.dataset, indices=40))
                       for name in ('celeba_hq_small.py', 'celeba_hq_small_degraded_test.py'))
    kinds = []
    for a, b in zip(plain, degraded):
        assert (a['data_samples'].gt_img == b['data_samples'].gt_img).all()  # the same HR face
        done = b['data_samples'].metainfo.get('degradation', {})
        assert (a['inputs'] != b['inputs']).any() == bool(done)  # the LR changes iff degraded
        kinds.append(set(done))
    for name in ('blur_sigma', 'noise_sigma', 'jpeg_quality'):  # each on about half the faces
        assert 10 <= sum(name in k for k in kinds) <= 30, name
