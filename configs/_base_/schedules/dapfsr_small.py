# Encoder training, small profile (2-core CPU): Adam, 17,000 iterations of 8 faces
# (17 epochs of CelebA-HQ's 8,000 training faces), lr 3e-4, x0.1 at 14,000 and again at
# 16,000: the committed checkpoint's schedule (configs/dapfsr/README.md: 0.2 s/iteration on
# 2 free cores, about 1 h; 0.3-0.85 s beside other jobs). The low-lr phase gave +0.55 dB of
# validation PSNR where 4,000 more iterations at 3e-4 gave none.
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='Adam', lr=3e-4, betas=(0.9, 0.999)))
param_scheduler = [dict(type='MultiStepLR', by_epoch=False, milestones=[14000, 16000], gamma=0.1)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=17000, val_interval=2000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
