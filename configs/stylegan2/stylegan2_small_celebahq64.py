# Decoder G in the small profile: 64 px StyleGAN2 on CelebA-HQ train (8,000 faces, resized from
# 128 px), batch 16, 9,000 iterations (144 kimg: the committed decoder's samples became faces
# at about that count). About 1.55 s/iteration on 2 free CPU cores (OMP_NUM_THREADS=2, see
# configs/stylegan2/README.md), i.e. about 4 hours.
#   python tools/train.py configs/stylegan2/stylegan2_small_celebahq64.py \
#       --work-dir work_dirs/stylegan2_small_celebahq64
_base_ = [
    '../_base_/models/stylegan2_small.py',
    '../_base_/datasets/celeba_hq.py',
    '../_base_/default_runtime.py',
]

# HR faces only: PackFaceInputs puts the HR face, in [0, 1], in `inputs` when there is no LR.
gan_pipeline = [
    dict(type='LoadFaceImage', key='gt', num_channels=3),
    dict(type='CropAndResize', keys=['gt'], size={{_base_.decoder_size}}),
    dict(type='RandomHorizontalFlip', keys=['gt']),  # StyleGAN's x-flip (--mirror=1)
    dict(type='PackFaceInputs'),
]
train_dataloader = dict(
    batch_size=16,
    num_workers=1,
    sampler=dict(_delete_=True, type='InfiniteSampler', shuffle=True),
    dataset=dict(pipeline=gan_pipeline))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=9000)
# Samples are all this stage needs to look at; no validation metric.
val_dataloader = val_cfg = val_evaluator = None
test_dataloader = test_cfg = test_evaluator = None

default_hooks = dict(checkpoint=dict(interval=500, max_keep_ckpts=3), logger=dict(interval=20))
custom_hooks = [dict(type='SampleGridHook', interval=250, num_samples=32, num_columns=8),
                dict(type='LatentStatisticsHook')]  # mu_w / sigma_w into each checkpoint
