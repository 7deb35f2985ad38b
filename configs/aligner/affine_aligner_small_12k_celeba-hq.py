# AffineAligner: the pose of a 16 px LR face, supervised by the affine the pipeline drew
# (RandomFaceAffine's moderate ranges), trained on the 19,500 CelebA-HQ faces of train/ and
# extra/ under photometric jitter (gray, directional light, gamma, contrast, blur, noise),
# so that it holds on target domains it never saw.
#   python tools/train.py configs/aligner/affine_aligner_small_12k_celeba-hq.py
#   python tools/test.py configs/aligner/affine_aligner_small_12k_celeba-hq.py CKPT
# Published as checkpoints/affine_aligner_small_celebahq.pth, its estimate puts LR faces upright
# for the refinement (configs/_base_/refinement/) and for the "bicubic, aligned" baseline
# (configs/bicubic/); configs/aligner/README.md has its accuracy.
# ../_base_/datasets/face_sr.py: the paper's faces (128 px HR, the moderate affine, 16 px LR), its
# test pipeline as it is
_base_ = ['../_base_/models/affine_aligner_small.py', '../_base_/datasets/face_sr.py',
          '../_base_/default_runtime.py']

model = _base_.affine_aligner

data_root = '{{$DAPFSR_DATA_ROOT:../shared/data}}/celeba_hq_128'
train_pipeline = [
    dict(type='LoadFaceImage', key='gt', num_channels=3),
    dict(type='CropAndResize', keys=['gt'], size=128),
    dict(type='RandomHorizontalFlip', keys=['gt']),
    dict(type='RandomPhotometricJitter', key='gt', gray_prob=0.5, ramp_prob=0.6),
    dict(type='RandomBlur', key='gt', sigma=(0.3, 1.5), prob=0.3),
    dict(type='RandomFaceAffine', preset='moderate', seed=None),
    dict(type='MatlabResize', keys=['lr'], size=16),
    dict(type='RandomNoise', key='lr', sigma=(0.0, 0.03), prob=0.5),
    dict(type='PackFaceInputs'),
]
train_dataloader = dict(
    batch_size=64, num_workers=1, persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type='ConcatDataset', datasets=[
        dict(type='CelebAHQDataset', data_root=data_root, split=split, pipeline=train_pipeline)
        for split in ('train', 'extra')]))
val_dataloader = dict(
    batch_size=100, num_workers=1, persistent_workers=True, drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type='CelebAHQDataset', data_root=data_root, split='test', test_mode=True,
                 pipeline=_base_.test_pipeline))
test_dataloader = val_dataloader
val_evaluator = [dict(type='AffineError')]
test_evaluator = val_evaluator

optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3))
param_scheduler = [dict(type='CosineAnnealingLR', by_epoch=False, begin=0, end=12000, eta_min=1e-5)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=12000, val_interval=1000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(checkpoint=dict(interval=500, max_keep_ckpts=2, save_best='rotation_error',
                                     rule='less'),
                     logger=dict(interval=50))
custom_hooks = []
