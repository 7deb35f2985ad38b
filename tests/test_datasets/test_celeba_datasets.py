import os
import os.path as osp

import cv2
import numpy as np
import pytest
import torch

from dapfsr.datasets import CelebADataset, CelebAHQDataset

from fake_face_trees import fake_celeba

def test_celeba_partition_attributes_and_mtdn_box(tmp_path):
    root = fake_celeba(tmp_path / 'celeba', flagged={2: 'Eyeglasses', 3: 'Smiling'})
    train = CelebADataset(root, split='train')
    # image 2 wears glasses: left out as MTDN does; smiling image 3 stays
    assert [osp.basename(p) for p in train.column('img_path')] == ['000001.jpg', '000003.jpg']
    assert len(CelebADataset(root, split='train', skip_attributes=())) == 3
    assert len(CelebADataset(root, split='val')) == 1 and len(CelebADataset(root, split='all')) == 5
    test = CelebADataset(root, split='test', pipeline=[
        dict(type='LoadFaceImage', num_channels=3), dict(type='CropAndResize', size=128),
        dict(type='RandomFaceAffine', seed=0), dict(type='MatlabResize', keys='lr', size=16),
        dict(type='PackFaceInputs')])
    assert test.get_data_info(0)['crop_box'] == [54, 34, 133, 107]
    out = test[0]
    gt = out['data_samples'].gt_img
    assert gt.shape == (3, 128, 128) and out['inputs'].shape == (3, 16, 16)
    # the crop keeps only the box, grey 200 in a black frame: one black row or
    # column would pull the minimum far down (JPEG ringing at the edge: ~ +-10)
    assert gt.min().item() * 255 > 180 and abs(gt.mean().item() * 255 - 200) < 2
    assert out['data_samples'].domain == 'celeba'


def test_celeba_identity_file_gives_subjects(tmp_path):
    root = fake_celeba(tmp_path / 'celeba')
    with open(osp.join(root, 'identity_CelebA.txt'), 'w') as f:
        f.write(''.join(f'{i:06d}.jpg {100 + i % 2}\n' for i in range(1, 7)))
    assert CelebADataset(root, split='all').column('subject') == ['101', '100', '101', '100', '101', '100']


def test_celeba_bad_layout_names_the_file(tmp_path):
    root = fake_celeba(tmp_path / 'celeba')
    with pytest.raises(ValueError, match='no attribute columns .*Sunglasses'):
        CelebADataset(root, skip_attributes=['Sunglasses'])
    with open(osp.join(root, 'list_attr_celeba.txt'), 'a') as f:
        f.write('000007.jpg 1 -1\n')
    with pytest.raises(ValueError, match='list_attr_celeba.txt, line 9'):
        CelebADataset(root)
    os.remove(osp.join(root, 'list_eval_partition.txt'))
    with pytest.raises(FileNotFoundError, match='list_eval_partition.txt'):
        CelebADataset(root)
    with pytest.raises(FileNotFoundError, match='img_align_celeba'):
        CelebADataset(str(tmp_path))
    with pytest.raises(ValueError, match='split'):
        CelebADataset(root, split='dev')


def test_celeba_hq_loads(celeba_hq_root):
    names = sorted(os.listdir(osp.join(celeba_hq_root, 'test')))
    dataset = CelebAHQDataset(celeba_hq_root, split='test', pipeline=[
        dict(type='LoadFaceImage', num_channels=3), dict(type='CropAndResize', size=128),
        dict(type='RandomFaceAffine', seed=0), dict(type='MatlabResize', keys='lr', size=16),
        dict(type='PackFaceInputs')])
    assert len(dataset) == len(names) == 500
    assert len(CelebAHQDataset(celeba_hq_root, split='train', lazy_init=True)) == 8000
    out = dataset[3]
    sample = out['data_samples']
    assert sample.img_path == osp.join(celeba_hq_root, 'test', names[3])
    assert sample.gt_img.shape == (3, 128, 128) and sample.gt_img.dtype == torch.float32
    assert out['inputs'].shape == (3, 16, 16) and out['inputs'].dtype == torch.float32
    for img in (sample.gt_img, out['inputs']):
        assert 0.0 <= img.min() and img.max() <= 1.0 and img.std() > 0.05
    ref = cv2.imread(sample.img_path)[..., ::-1] / 255.0  # RGB, unchanged at 128 px
    np.testing.assert_allclose(sample.gt_img.numpy().transpose(1, 2, 0), ref, atol=1e-6)
    assert sample.domain == 'celeba_hq' and sample.subject is None
    # the LR face is the HR face, jittered and shrunk: close to a plain 1/8 bicubic on average
    assert abs(out['inputs'].mean() - sample.gt_img.mean()) < 0.05


def test_celeba_hq_missing_split_names_the_folder(celeba_hq_root, tmp_path):
    with pytest.raises(FileNotFoundError, match=osp.join(celeba_hq_root, 'val')):
        CelebAHQDataset(celeba_hq_root, split='val')
    (tmp_path / 'train').mkdir()
    with pytest.raises(ValueError, match=f'no images found in {tmp_path}'):
        CelebAHQDataset(str(tmp_path))
