"""configs/_base_/datasets, configs/_base_/targets, their composition and
tools/misc/browse_dataset.py on the real data."""
import os.path as osp
import runpy
import sys

import cv2
import pytest
from mmengine.config import Config

from dapfsr.datasets import protocol_config
from dapfsr.registry import ADAPTATIONS, DATASETS

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG_DIR = osp.join(REPO_ROOT, 'configs', '_base_', 'datasets')
TARGET_DIR = osp.join(REPO_ROOT, 'configs', '_base_', 'targets')


@pytest.mark.parametrize('name,folder', [('celeba_hq', 'celeba_hq_128'), ('celeba', 'celeba'),
                                         ('multipie', 'Multi-PIE'), ('lr_folder', 'wider_tiny_faces')])
def test_configs_take_the_data_root_from_the_environment(name, folder, monkeypatch, tmp_path):
    monkeypatch.setenv('DAPFSR_DATA_ROOT', str(tmp_path))
    cfg = Config.fromfile(osp.join(CONFIG_DIR, f'{name}.py'))
    assert cfg.test_dataloader.dataset.data_root == f'{tmp_path}/{folder}'
    assert cfg.scale_lr == 16 and cfg.scale_hr == 128
    assert cfg.val_dataloader.collate_fn.type == 'default_collate'
    if name != 'lr_folder':  # real tiny faces have nothing to train on
        assert cfg.train_dataloader.sampler.shuffle
        assert cfg.train_dataloader.dataset.pipeline[2] == dict(type='RandomFaceAffine', preset='moderate',
                                                                 seed=None)


@pytest.mark.parametrize('name,folder', [('yaleb', 'CroppedYale'), ('multipie', 'Multi-PIE'),
                                         ('casia_nirvis', 'NIR-VIS-2.0'), ('subject_folder', 'my_faces')])
def test_target_bases_name_data_only(name, folder, monkeypatch, tmp_path):
    monkeypatch.setenv('DAPFSR_DATA_ROOT', str(tmp_path))
    cfg = Config.fromfile(osp.join(TARGET_DIR, f'{name}.py'))
    assert cfg.target_dataset.data_root == f'{tmp_path}/{folder}' and cfg.target_dataset.test_mode
    # no pipeline and no dataloader: they compose with any source config (its faces, its HR size)
    assert 'pipeline' not in cfg.target_dataset and 'dataset' not in cfg.one_shot_protocol
    assert not {'test_dataloader', 'train_dataloader', 'test_pipeline', 'scale_hr'} & set(cfg)


@pytest.mark.parametrize('config,hr_size', [('dapfsr_small_17k_celeba-hq2yaleb.py', 64),
                                            ('dapfsr_paper_100k_celeba2yaleb.py', 128)])
def test_the_yaleb_target_composes_with_each_profile(config, hr_size, yaleb_root, monkeypatch):
    monkeypatch.setenv('DAPFSR_DATA_ROOT', osp.dirname(yaleb_root))
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', 'dapfsr', config))
    source = Config.fromfile(osp.join(REPO_ROOT, 'configs', 'dapfsr', config.replace('2yaleb', '')))
    assert cfg.test_dataloader.dataset.pipeline == source.test_pipeline  # faces made as the source's
    assert cfg.test_dataloader.batch_size == source.test_dataloader.batch_size
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    assert len(dataset) == 380  # 10 light directions x 38 subjects
    out = dataset[0]
    assert out['inputs'].shape == (3, 16, 16) and out['data_samples'].gt_img.shape == (3, hr_size, hr_size)
    protocol = ADAPTATIONS.build(protocol_config(cfg))  # its tasks drawn from the test set
    assert protocol.splits == list(cfg.target_dataset.conditions) and len(protocol.tasks()) == 100
    assert cfg.gray_output


def test_browse_dataset_writes_grids(celeba_hq_root, yaleb_root, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv('DAPFSR_DATA_ROOT', osp.dirname(yaleb_root))
    script = osp.join(REPO_ROOT, 'tools', 'misc', 'browse_dataset.py')
    monkeypatch.setattr(sys, 'argv', [script, osp.join(CONFIG_DIR, 'celeba_hq.py'), '--split', 'val',
                                      '--num', '3', '--out-dir', str(tmp_path)])
    runpy.run_path(script, run_name='__main__')
    grid = cv2.imread(str(tmp_path / 'celeba_hq_val.png'))
    assert grid.shape == (16 + 3 * 130 + 2, 2 * 130 + 2, 3)  # title + 3 rows of LR | HR cells
    yaleb_config = osp.join(REPO_ROOT, 'configs', 'dapfsr', 'dapfsr_paper_100k_celeba2yaleb.py')
    monkeypatch.setattr(sys, 'argv', [script, yaleb_config, '--split', 'test',
                                      '--num', '2', '--per-condition', '--out-dir', str(tmp_path)])
    runpy.run_path(script, run_name='__main__')
    printed = capsys.readouterr().out
    assert printed.count('2 of 38 faces') == 10
    for split in ('A+000E+00', 'A-070E+00'):
        assert osp.isfile(tmp_path / f'dapfsr_paper_100k_celeba2yaleb_test_{split}.png')


def test_degraded_test_config_degrades_half_the_lr_faces_and_nothing_else(celeba_hq_root, monkeypatch):
    monkeypatch.setenv('DAPFSR_DATA_ROOT', osp.dirname(celeba_hq_root))
    dapfsr_configs = osp.join(REPO_ROOT, 'configs', 'dapfsr')
    plain, degraded = (DATASETS.build(dict(Config.fromfile(osp.join(dapfsr_configs, name))
                                           .test_dataloader.dataset, indices=40))
                       for name in ('dapfsr_small_17k_celeba-hq.py', 'dapfsr_small_17k_celeba-hq_degraded-test.py'))
    kinds = []
    for a, b in zip(plain, degraded):
        assert (a['data_samples'].gt_img == b['data_samples'].gt_img).all()  # the same HR face
        done = b['data_samples'].metainfo.get('degradation', {})
        assert (a['inputs'] != b['inputs']).any() == bool(done)  # the LR changes iff degraded
        kinds.append(set(done))
    for name in ('blur_sigma', 'noise_sigma', 'jpeg_quality'):  # each on about half the faces
        assert 10 <= sum(name in k for k in kinds) <= 30, name
