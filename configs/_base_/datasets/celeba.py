# CelebA, aligned release, as MTDN uses it: official partition, faces with
# Blurry / Eyeglasses / Wearing_Hat left out, MTDN's 133 x 107 box (rows
# 55-187, cols 35-141) stretched to 128 x 128; 16 px LR under the random affine.
# Data root: $DAPFSR_DATA_ROOT (default ../shared/data) / celeba, holding
# img_align_celeba/, list_eval_partition.txt, list_attr_celeba.txt.
scale_hr = 128
scale_lr = 16
dataset_type = 'CelebADataset'
data_root = '{{$DAPFSR_DATA_ROOT:../shared/data}}/celeba'
skip_attributes = ['Blurry', 'Eyeglasses', 'Wearing_Hat']

train_pipeline = [
    dict(type='LoadFaceImage', key='gt', num_channels=3),
    dict(type='CropAndResize', keys=['gt'], size=scale_hr),  # the dataset's MTDN box
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
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, split='train',
                 skip_attributes=skip_attributes, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, split='val', test_mode=True,
                 skip_attributes=skip_attributes, pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, split='test', test_mode=True,
                 skip_attributes=skip_attributes, pipeline=test_pipeline))
