# Lever: camera and lighting variation in the training faces
# (configs/_base_/datasets/photometric_robustness.py), from the control run's start.
_base_ = ['./dapfsr_small_ft-2k_celeba-hq.py', '../_base_/datasets/photometric_robustness.py']

_source = _base_.train_pipeline  # load, crop, flip, affine, LR resize, HR resize, pack
train_pipeline = [*_source[:3], *_base_.photometric_robustness, *_source[3:5], _base_.lr_sensor_noise,
                  *_source[5:]]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
