"""ContentStyleDataset: each content face with another, random face as its style."""
import numpy as np
import pytest
from mmengine.dataset import default_collate

from dapfsr.registry import DATASETS

PIPELINE = [dict(type='LoadFaceImage', key='gt', num_channels=3), dict(type='MatlabResize', keys=['gt'], size=16),
            dict(type='PackFaceInputs')]


def build(root, seed=None, num=4):
    faces = dict(type='CelebAHQDataset', data_root=root, split='train', indices=num, pipeline=PIPELINE)
    return DATASETS.build(dict(type='ContentStyleDataset', content=faces, style=faces, seed=seed))


def test_style_is_another_face_and_batches_stack(celeba_hq_root):
    dataset = build(celeba_hq_root, seed=0)
    assert len(dataset) == 4
    indices = [dataset.style_index(i) for i in range(4)]
    assert all(j != i and 0 <= j < 4 for i, j in enumerate(indices))
    assert indices == [build(celeba_hq_root, seed=0).style_index(i) for i in range(4)]  # seeded
    batch = default_collate([dataset[i] for i in range(2)])
    assert batch['inputs'].shape == batch['style'].shape == (2, 3, 16, 16)
    assert batch['data_samples'][0].img_key == 'train/' + batch['data_samples'][0].img_path.split('/')[-1]
    assert np.array_equal(dataset[1]['style'].numpy(), dataset.content[indices[1]]['inputs'].numpy())
    np.random.seed(0)  # unseeded: numpy's global state, every style face reachable
    unseeded = build(celeba_hq_root)
    assert {unseeded.style_index(0) for _ in range(60)} == {1, 2, 3}


def test_needs_two_style_faces(celeba_hq_root):
    with pytest.raises(ValueError, match='at least 2'):
        build(celeba_hq_root, num=1)
