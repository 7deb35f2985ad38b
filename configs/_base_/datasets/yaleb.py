# Extended Yale B (cropped release), a target domain: one split per light
# direction, ExtendedYaleBDataset.DEFAULT_SPLITS (10 conditions, all 38
# subjects). Gray frames are replicated to RGB (num_channels=3); set
# num_channels=None to keep them 1-channel. The 168 x 192 frames are resized
# to 128 x 128; LR faces are fixed per image (seed=0).
# Data root: $DAPFSR_DATA_ROOT (default ../shared/data) / CroppedYale.
scale_hr = 128
scale_lr = 16
num_channels = 3
dataset_type = 'ExtendedYaleBDataset'
data_root = '{{$DAPFSR_DATA_ROOT:../shared/data}}/CroppedYale'
splits = ['A+000E+00', 'A+000E+20', 'A+025E+00', 'A-025E+00', 'A+035E+15',
          'A-035E+15', 'A+050E+00', 'A-050E+00', 'A+070E+00', 'A-070E+00']

train_pipeline = [
    dict(type='LoadFaceImage', key='gt', num_channels=num_channels),
    dict(type='CropAndResize', keys=['gt'], size=scale_hr),
    dict(type='RandomFaceAffine', preset='moderate', seed=None),
    dict(type='MatlabResize', keys=['lr'], size=scale_lr),
    dict(type='PackFaceInputs'),
]
test_pipeline = [
    dict(type='LoadFaceImage', key='gt', num_channels=num_channels),
    dict(type='CropAndResize', keys=['gt'], size=scale_hr),
    dict(type='RandomFaceAffine', preset='moderate', seed=0),
    dict(type='MatlabResize', keys=['lr'], size=scale_lr),
    dict(type='PackFaceInputs'),
]

# every evaluated split together; the one-shot protocol picks exemplars and
# test sets per split from this dataset
target_dataset = dict(type=dataset_type, data_root=data_root, conditions=splits, test_mode=True,
                      pipeline=test_pipeline)
one_shot_protocol = dict(type='OneShotProtocol', dataset=target_dataset, splits=splits,
                         num_exemplars=1, exemplar_seeds=list(range(10)))

# all 64 light directions, for training on Extended Yale B itself (e.g. as
# an upper bound); the one-shot protocol never trains on the target domain
train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=target_dataset)
test_dataloader = val_dataloader
