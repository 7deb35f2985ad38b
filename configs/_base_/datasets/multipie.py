# CMU Multi-PIE: a source domain (Multi-PIE -> Extended Yale B) and a target
# domain (CelebA -> Multi-PIE) with one split per camera x flash condition,
# MultiPIEDataset.DEFAULT_SPLITS. Neutral expression only. The frames are not
# face-aligned: the annotation file written by
#   python tools/dataset_converters/multipie.py DATA_ROOT --boxes BOXES.csv --out DATA_ROOT/multipie_faces.json
# gives each image its face box. Data root: $DAPFSR_DATA_ROOT / Multi-PIE.
scale_hr = 128
scale_lr = 16
dataset_type = 'MultiPIEDataset'
data_root = '{{$DAPFSR_DATA_ROOT:../shared/data}}/Multi-PIE'
ann_file = 'multipie_faces.json'
splits = ['cam05_1_flash00', 'cam05_1_flash02', 'cam05_1_flash04', 'cam05_1_flash07',
          'cam05_1_flash10', 'cam05_1_flash13', 'cam05_1_flash16', 'cam04_1_flash07',
          'cam05_0_flash07', 'cam14_0_flash07']

train_pipeline = [
    dict(type='LoadFaceImage', key='gt', num_channels=3),
    dict(type='CropAndResize', keys=['gt'], size=scale_hr),  # each image's face box
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

target_dataset = dict(type=dataset_type, data_root=data_root, ann_file=ann_file, conditions=splits,
                      test_mode=True, pipeline=test_pipeline)
one_shot_protocol = dict(type='OneShotProtocol', dataset=target_dataset, splits=splits,
                         num_exemplars=1, exemplar_seeds=list(range(10)))

train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, ann_file=ann_file, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=target_dataset)
test_dataloader = val_dataloader
