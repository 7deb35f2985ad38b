# MTDN (Yu et al., IJCV 2020), paper profile: the TDN train file's generator 16 -> 128 with
# STN1 (32 px) and STN2 (64 px), its discriminator at 128 px, L_G = MSE + lambda * BCE(D(SR),
# real), lambda 0.01 at the start (docs/baselines.md#mtdn). No TDAE front end and no multiscale
# input branches: see configs/mtdn/README.md. RMSprop (alpha 0.9, eps 1e-8) at 1e-3 for both
# networks; the lr and lambda schedules are in ../schedules/mtdn.py.
model = dict(
    type='MTDN',
    generator=dict(type='MTDNGenerator', upscale=8, in_size=16),
    discriminator=dict(type='MTDNDiscriminator', in_size=128),
    adversarial_weight=0.01,
    balance_margin=0.3,
    data_preprocessor=dict(type='FaceSRDataPreprocessor', num_channels=3))

rmsprop = dict(type='RMSprop', lr=1e-3, alpha=0.9, eps=1e-8)
optim_wrapper = dict(constructor='MultiOptimWrapperConstructor',
                     generator=dict(optimizer=rmsprop), discriminator=dict(optimizer=rmsprop))
