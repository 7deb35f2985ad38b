# RAIN (ASM's style network), small profile: content = CelebA-HQ training faces at 64 px,
# style = other CelebA-HQ training faces under random photometric jitter (gray, a directional
# light ramp, gamma, contrast), so that the learnt style distribution reaches gray, dark and
# side-lit targets such as Extended Yale B; batch 8, 20,000 iterations (README: s/iteration).
#   OMP_NUM_THREADS=1 python tools/train.py configs/rain/rain_small_20k_celeba-hq.py \
#       --work-dir /work/runs/rain_small [--resume]
_base_ = ['../_base_/models/rain_small.py', '../_base_/datasets/celeba_hq.py', '../_base_/default_runtime.py']

size = 64
yaleb_root = '{{$DAPFSR_DATA_ROOT:../shared/data}}/CroppedYale'
# the grid's target exemplar: subject 11 lit from 50 degrees to one side, one half in shadow
exemplar = yaleb_root + '/yaleB11/yaleB11_P00A+050E+00.pgm'

# HR faces only (PackFaceInputs puts the HR face in `inputs`), mirrored at random as the
# small profile's faces (configs/_base_/datasets/celeba_hq_64.py)
content_pipeline = [
    dict(type='LoadFaceImage', key='gt', num_channels=3),
    dict(type='CropAndResize', keys=['gt'], size=128),
    dict(type='RandomHorizontalFlip', keys=['gt']),
    dict(type='MatlabResize', keys=['gt'], size=size),
    dict(type='PackFaceInputs'),
]
# half gray, half with a light ramp leaving 5-70% of the light on the far side, gamma 0.6-2.5
style_pipeline = [*content_pipeline[:-1], dict(type='RandomPhotometricJitter', key='gt'), content_pipeline[-1]]
faces = dict(type=_base_.dataset_type, data_root=_base_.data_root, split='train')
train_dataloader = dict(
    batch_size=8,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(_delete_=True, type='InfiniteSampler', shuffle=True),
    dataset=dict(_delete_=True, type='ContentStyleDataset', content=dict(faces, pipeline=content_pipeline),
                 style=dict(faces, pipeline=style_pipeline)))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=20000)
# a style network has no SR metric to validate
val_dataloader = val_cfg = val_evaluator = None
test_dataloader = test_cfg = test_evaluator = None

default_hooks = dict(checkpoint=dict(interval=1000, max_keep_ckpts=2), logger=dict(interval=50))
custom_hooks = [dict(type='StyleGridHook', exemplar=exemplar, size=size, interval=1000,
                     content=[_base_.data_root + f'/test/0800{i}.jpg' for i in range(4)])]
