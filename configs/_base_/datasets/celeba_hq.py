# CelebA-HQ at 128 px, the source domain. LR inputs are 16 px faces under the
# random affine of sec. 5.2 (moderate ranges), MATLAB bicubic downsampling.
# Data root: $DAPFSR_DATA_ROOT (default ../shared/data) / celeba_hq_128.
scale_hr = 128
scale_lr = 16
dataset_type = 'CelebAHQDataset'
data_root = '{{$DAPFSR_DATA_ROOT:../shared/data}}/celeba_hq_128'

train_pipeline = [
    dict(type='LoadFaceImage', key='gt', num_channels=3),
    dict(type='CropAndResize', keys=['gt'], size=scale_hr),
    dict(type='RandomFaceAffine', preset='moderate', seed=None),  # fresh draws every epoch
    dict(type='MatlabResize', keys=['lr'], size=scale_lr),
    dict(type='PackFaceInputs'),
]
test_pipeline = [
    dict(type='LoadFaceImage', key='gt', num_channels=3),
    dict(type='CropAndResize', keys=['gt'], size=scale_hr),
    dict(type='RandomFaceAffine', preset='moderate', seed=0),  # one fixed LR face per image
    dict(type='MatlabResize', keys=['lr'], size=scale_lr),
    dict(type='PackFaceInputs'),
]

train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, split='train', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, split='test', test_mode=True,
                 pipeline=test_pipeline))
test_dataloader = val_dataloader
