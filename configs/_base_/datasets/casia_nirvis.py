# CASIA NIR-VIS 2.0, a near-infrared target domain (the paper's Fig. 7):
# the first fold's NIR probes for testing, its NIR + VIS training lists for
# training on the dataset itself. NIR frames are gray, replicated to RGB.
# The frames are not face-aligned: the annotation file written by
#   python tools/dataset_converters/casia_nirvis.py DATA_ROOT --boxes BOXES.csv --out DATA_ROOT/casia_nirvis_faces.json
# gives each image its face box (omit ann_file to read protocols/*.txt directly).
# Data root: $DAPFSR_DATA_ROOT / NIR-VIS-2.0.
scale_hr = 128
scale_lr = 16
dataset_type = 'CASIANIRVISDataset'
data_root = '{{$DAPFSR_DATA_ROOT:../shared/data}}/NIR-VIS-2.0'

train_pipeline = [
    dict(type='LoadFaceImage', key='gt', num_channels=3),
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

target_dataset = dict(type=dataset_type, data_root=data_root, protocol_files=['nir_probe_1.txt'],
                      test_mode=True, pipeline=test_pipeline)
one_shot_protocol = dict(type='OneShotProtocol', dataset=target_dataset, splits=['NIR'],
                         num_exemplars=1, exemplar_seeds=list(range(10)))

train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root,
                 protocol_files=['nir_train_1.txt', 'vis_train_1.txt'], pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=target_dataset)
test_dataloader = val_dataloader
