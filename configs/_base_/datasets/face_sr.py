# How the paper profile makes its faces (sec. 5.2), for every dataset base to inherit:
# the face at 128 px (each dataset's crop box, else the whole frame), the random affine
# (moderate ranges: fresh draws every epoch in training, one fixed draw per image in
# testing), MATLAB bicubic down to the 16 px LR face. A dataset base sets only its
# datasets (type, root, split) into the dataloaders below, with these pipelines
# (`_base_.train_pipeline`, `_base_.test_pipeline`); a profile at another HR size (e.g.
# configs/dapfsr/dapfsr_small_17k_celeba-hq.py, 64 px) writes its own two pipelines.
scale_hr = 128
scale_lr = 16

train_pipeline = [
    dict(type='LoadFaceImage', key='gt', num_channels=3),  # gray frames replicated to RGB
    dict(type='CropAndResize', keys=['gt'], size=scale_hr),
    dict(type='RandomFaceAffine', preset='moderate', seed=None),
    dict(type='MatlabResize', keys=['lr'], size=scale_lr),
    dict(type='PackFaceInputs'),
]
test_pipeline = [
    dict(type='LoadFaceImage', key='gt', num_channels=3),
    dict(type='CropAndResize', keys=['gt'], size=scale_hr),
    dict(type='RandomFaceAffine', preset='moderate', seed=0),
    dict(type='MatlabResize', keys=['lr'], size=scale_lr),
    dict(type='PackFaceInputs'),
]

train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'))
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'))
test_dataloader = val_dataloader
