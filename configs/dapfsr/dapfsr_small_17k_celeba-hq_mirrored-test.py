# The CelebA-HQ test set of dapfsr_small_17k_celeba-hq.py, every face mirrored left-right before the
# LR face is made. CelebA-HQ's numbering is not random in head pose and the train and test
# sets are adjacent ranges, so a model that learnt the training range's pose bias scores
# differently here; report it beside the plain test set.
#   python tools/test.py configs/dapfsr/dapfsr_small_17k_celeba-hq_mirrored-test.py CKPT
_base_ = ['./dapfsr_small_17k_celeba-hq.py']

test_pipeline = [
    dict(type='LoadFaceImage', key='gt', num_channels=3),
    dict(type='CropAndResize', keys=['gt'], size=128),
    dict(type='RandomHorizontalFlip', keys=['gt'], prob=1.0),
    dict(type='RandomFaceAffine', preset='moderate', seed=0),
    dict(type='MatlabResize', keys=['lr'], size=16),
    dict(type='MatlabResize', keys=['gt'], size={{_base_.scale_hr}}),
    dict(type='PackFaceInputs'),
]
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
