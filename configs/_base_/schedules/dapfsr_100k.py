# Encoder training, paper profile. The paper's supplementary values are not
# available: Adam at 1e-4 is pSp's learning rate for the same kind of encoder
# (a ResNet into StyleGAN's W+); 100k iterations of 16 faces are about 12 epochs
# of aligned CelebA's training faces after MTDN's attribute filter; the step at
# 80k is a common final decay. See configs/dapfsr/README.md.
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.999)))
param_scheduler = [dict(type='MultiStepLR', by_epoch=False, milestones=[80000], gamma=0.1)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=100000, val_interval=5000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
