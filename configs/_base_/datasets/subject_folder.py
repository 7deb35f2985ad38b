# Template for a target domain of your own, one folder per subject
# (docs/add_target_domain.md): my_faces/<subject>/<image>, e.g. AT&T / ORL's
# s1/1.pgm ... s40/10.pgm. Each condition found is a split of the one-shot
# protocol: condition_pattern (a regular expression with a group
# (?P<condition>...), searched in each file name, e.g.
# r'_(?P<condition>[A-Za-z0-9+-]+)\.' for s1_light+30.png) or, when None, one
# split 'all'. Faces are resized to 128 x 128 (set crop boxes through
# tools/dataset_converters/subject_folder.py --boxes and ann_file if they are not
# aligned); LR faces are fixed per image (seed=0).
# Data root: $DAPFSR_DATA_ROOT (default ../shared/data) / my_faces.
scale_hr = 128
scale_lr = 16
num_channels = 3
dataset_type = 'SubjectFolderDataset'
data_root = '{{$DAPFSR_DATA_ROOT:../shared/data}}/my_faces'
domain = 'my_faces'
condition_pattern = None
splits = None  # every condition found

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
    dict(type='RandomFaceAffine', preset='moderate', seed=0),  # preset='none': aligned LR faces
    dict(type='MatlabResize', keys=['lr'], size=scale_lr),
    dict(type='PackFaceInputs'),
]

target_dataset = dict(type=dataset_type, data_root=data_root, condition_pattern=condition_pattern,
                      metainfo=dict(domain=domain), test_mode=True, pipeline=test_pipeline)
one_shot_protocol = dict(type='OneShotProtocol', dataset=target_dataset, splits=splits,
                         num_exemplars=1, exemplar_seeds=list(range(10)))

# every face, for training on the target set itself (e.g. as an upper bound);
# the one-shot protocol never trains on the target domain
train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, condition_pattern=condition_pattern,
                 metainfo=dict(domain=domain), pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=target_dataset)
test_dataloader = val_dataloader
