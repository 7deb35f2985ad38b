# CelebA-HQ for the small profile (16 -> 64, x4): the LR face made exactly as in the paper
# profile (./face_sr.py: random affine of the 128 px face, MATLAB bicubic to 16 px); only
# the HR target is brought down to 64 px afterwards. Training faces are also mirrored at
# random (CelebA-HQ's numbering is not random in pose). Every small-profile model trains
# and tests on these faces; a target base composed with such a config takes this test pipeline.
_base_ = ['./celeba_hq.py']

scale_hr = 64
train_pipeline = [
    dict(type='LoadFaceImage', key='gt', num_channels=3),
    dict(type='CropAndResize', keys=['gt'], size=128),
    dict(type='RandomHorizontalFlip', keys=['gt']),
    dict(type='RandomFaceAffine', preset='moderate', seed=None),
    dict(type='MatlabResize', keys=['lr'], size=16),
    dict(type='MatlabResize', keys=['gt'], size=scale_hr),
    dict(type='PackFaceInputs'),
]
test_pipeline = [
    dict(type='LoadFaceImage', key='gt', num_channels=3),
    dict(type='CropAndResize', keys=['gt'], size=128),
    dict(type='RandomFaceAffine', preset='moderate', seed=0),
    dict(type='MatlabResize', keys=['lr'], size=16),
    dict(type='MatlabResize', keys=['gt'], size=scale_hr),
    dict(type='PackFaceInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
