# Decoder G in the paper profile: StyleGAN2 config-f at 128 px on the paper's source domain,
# CelebA (aligned, MTDN's face box; see _base_/datasets/celeba.py). Batch 32 and 25,000 kimg
# (781,250 iterations) are StyleGAN2's config-f schedule; on 8 GPUs use
# `bash tools/dist_train.sh configs/stylegan2/stylegan2_celeba128.py 8` with batch_size=4.
_base_ = [
    '../_base_/models/stylegan2_paper.py',
    '../_base_/datasets/celeba.py',
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
    batch_size=32,
    num_workers=8,
    sampler=dict(_delete_=True, type='InfiniteSampler', shuffle=True),
    dataset=dict(pipeline=gan_pipeline))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=781250)
# Samples are all this stage needs to look at; no validation metric.
val_dataloader = val_cfg = val_evaluator = None
test_dataloader = test_cfg = test_evaluator = None

default_hooks = dict(checkpoint=dict(interval=10000, max_keep_ckpts=5), logger=dict(interval=100))
custom_hooks = [dict(type='SampleGridHook', interval=5000, num_samples=32, num_columns=8),
                dict(type='LatentStatisticsHook')]  # mu_w / sigma_w into each checkpoint

# Several GPUs: one DDP per trained sub-module (G and D are updated by separate optimizers).
model_wrapper_cfg = dict(type='MMSeparateDistributedDataParallel', broadcast_buffers=False,
                         find_unused_parameters=False)
