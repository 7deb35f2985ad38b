# The CelebA-HQ test set of dapfsr_small_17k_celeba-hq.py with real-camera degradations of the 16 px
# LR face after it is made (the model never saw them in training): Gaussian blur, sensor
# noise and JPEG, each on half the faces, one fixed draw per face. A robustness row beside
# the plain test set; configs/bicubic/bicubic_x4_celeba-hq_degraded-test.py is bicubic on it.
#   python tools/test.py configs/dapfsr/dapfsr_small_17k_celeba-hq_degraded-test.py CKPT
_base_ = ['./dapfsr_small_17k_celeba-hq.py']

test_pipeline = [
    dict(type='LoadFaceImage', key='gt', num_channels=3),
    dict(type='CropAndResize', keys=['gt'], size=128),
    dict(type='RandomFaceAffine', preset='moderate', seed=0),
    dict(type='MatlabResize', keys=['lr'], size=16),
    dict(type='RandomBlur', sigma=(0.2, 0.8), prob=0.5, seed=0),  # sigma in LR pixels
    dict(type='RandomNoise', sigma=(0.0, 0.02), prob=0.5, seed=0),  # of the [0, 1] range
    dict(type='RandomJPEG', quality=(60, 95), prob=0.5, seed=0),
    dict(type='MatlabResize', keys=['gt'], size={{_base_.scale_hr}}),
    dict(type='PackFaceInputs'),
]
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
