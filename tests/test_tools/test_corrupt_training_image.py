"""A corrupt image in a training set (issue 24, item 7): tools/train.py ends with one line
naming the file, whether the faces load in the main process or in DataLoader workers (which
wrap the error in the worker's traceback), and LoadFaceImage(skip_unreadable=True) trains on,
counting the files it skipped."""
import logging
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.logging import MMLogger

from dapfsr.datasets.transforms.loading import LoadFaceImage, UnreadableImageError
from dapfsr.registry import DATASETS
from conftest import HR_SIZE, LR_SIZE, TINY_MODEL

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PIPELINE = [dict(type='LoadFaceImage', key='gt', num_channels=3),
            dict(type='CropAndResize', keys=['gt'], size=2 * HR_SIZE),
            dict(type='RandomFaceAffine', preset='moderate', seed=0),
            dict(type='MatlabResize', keys=['lr'], size=LR_SIZE),
            dict(type='MatlabResize', keys=['gt'], size=HR_SIZE), dict(type='PackFaceInputs')]


def face_folder(root):
    """Three faces and a PNG whose data is garbage, sorted so the first batch holds it."""
    root.mkdir()
    rng = np.random.default_rng(0)
    for i in range(3):
        cv2.imwrite(str(root / f'face{i}.png'), rng.integers(0, 255, (32, 32, 3), dtype=np.uint8))
    (root / 'broken.png').write_bytes(b'\x89PNG\r\n\x1a\n' + b'garbage' * 10)
    return root


def training_config(path, faces, workers):
    model = dict(TINY_MODEL, _delete_=True,
                 data_preprocessor=dict(type='FaceSRDataPreprocessor', num_channels=3))
    base = osp.join(REPO_ROOT, 'configs', 'dapfsr', 'dapfsr_small_17k_celeba-hq.py')
    path.write_text(f"""_base_ = [{base!r}]
model = {model!r}
train_dataloader = dict(batch_size=4, num_workers={workers}, persistent_workers=False,
                        sampler=dict(type='DefaultSampler', shuffle=False),
                        dataset=dict(_delete_=True, type='ImageFolderDataset',
                                     data_root={str(faces)!r}, pipeline={PIPELINE!r}))
train_cfg = dict(max_iters=1, val_interval=1000)
val_cfg = val_dataloader = val_evaluator = None
default_hooks = dict(checkpoint=dict(interval=1, save_best=None), logger=dict(interval=1))
""")
    return str(path)


def test_train_on_a_corrupt_face_ends_with_one_line_naming_it(tmp_path, tool_runner):
    faces = face_folder(tmp_path / 'faces')
    commands = [dict(argv=['train.py', training_config(tmp_path / f'w{n}.py', faces, n),
                           '--work-dir', str(tmp_path / f'work{n}')], timeout=300) for n in (0, 2)]
    results = tool_runner.run_many(commands)
    for workers, result in zip((0, 2), results):
        err = result['stderr']
        assert result['status'] == 1, (workers, result)
        assert 'Traceback' not in err and 'DataLoader worker' not in err, (workers, err[-3000:])
        assert err.strip().splitlines()[-1] == (
            f'error: cannot decode image {faces / "broken.png"}: the file is empty, truncated or '
            'corrupt (LoadFaceImage(skip_unreadable=True) skips such files of a training set)'), workers


def test_skip_unreadable_gives_another_face_and_counts_the_skipped(tmp_path, monkeypatch):
    faces = face_folder(tmp_path / 'faces')
    skipping = [dict(PIPELINE[0], skip_unreadable=True), *PIPELINE[1:]]
    dataset = DATASETS.build(dict(type='ImageFolderDataset', data_root=str(faces), pipeline=skipping))
    names = [osp.basename(dataset.get_data_info(i)['img_path']) for i in range(len(dataset))]
    broken = names.index('broken.png')
    monkeypatch.setattr(LoadFaceImage, 'skipped', 0)
    warnings = []
    logger = MMLogger.get_current_instance()
    monkeypatch.setattr(logger, 'warning', lambda msg, *a, **k: warnings.append(msg))
    monkeypatch.setattr(logger, 'log', lambda level, msg, *a, **k: warnings.append(msg)
                        if level >= logging.WARNING else None)
    sample = dataset[broken]  # mmengine's BaseDataset fetches another face for a None
    assert osp.basename(sample['data_samples'].img_path) != 'broken.png'
    assert tuple(sample['inputs'].shape) == (3, LR_SIZE, LR_SIZE)
    dataset[broken]
    # counted: twice at least (the refetch may draw it again), each skip said with the count
    assert LoadFaceImage.skipped >= 2 and len(warnings) == LoadFaceImage.skipped
    assert all('broken.png' in w for w in warnings)
    assert '(2 so far in this data process)' in warnings[1], warnings
    # the default: an error naming the file, one the tools end with in one line
    strict = DATASETS.build(dict(type='ImageFolderDataset', data_root=str(faces), pipeline=PIPELINE))
    with pytest.raises(UnreadableImageError, match='cannot decode image .*broken.png'):
        strict[broken]
