# Encoder training, small profile (2-core CPU): Adam, 12,000 iterations of 8 faces
# (12 epochs of CelebA-HQ's 8,000 training faces; an estimated 45-50 minutes on 2 free cores,
# 83 minutes measured beside other 1-thread jobs), lr x0.1 at 10,000; see configs/dapfsr/README.md.
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='Adam', lr=3e-4, betas=(0.9, 0.999)))
param_scheduler = [dict(type='MultiStepLR', by_epoch=False, milestones=[10000], gamma=0.1)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=12000, val_interval=2000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
