# StyleGAN2 decoder G, small profile: 64 px, narrow, trains on a 2-core CPU.
# Widths 256 (4-8 px) to 32 (64 px), 256-d styles, 2 mapping layers; no path length
# regularization (it costs a double backward pass). The other values are StyleGAN2-ADA's
# "auto" config for 64 px at batch 16: lr 0.0025, R1 gamma = 0.0002 * 64^2 / 16 = 0.05,
# EMA half-life = 16 * 10 / 32 = 5 kimg with ramp-up 0.05, style mixing 0.9, 2 mapping layers.
decoder_size = 64
channels = {4: 256, 8: 256, 16: 128, 32: 64, 64: 32}
d_reg_interval = 16
d_c = d_reg_interval / (d_reg_interval + 1)  # lazy regularization: lr * c, beta ** c

model = dict(
    type='StyleGAN2',
    data_preprocessor=dict(type='FaceSRDataPreprocessor'),
    generator=dict(type='StyleGANDecoder', out_size=decoder_size, style_channels=256, num_mlps=2,
                   channels=channels, lr_mlp=0.01),
    discriminator=dict(type='StyleGAN2Discriminator', in_size=decoder_size, channels=channels),
    gan_loss=dict(type='NonSaturatingLogisticLoss'),
    r1_penalty=dict(type='R1GradientPenalty', gamma=0.05, interval=d_reg_interval),
    path_length=None,
    mixing_prob=0.9,
    # G_ema: half-life 5 kimg, at most 0.05 x the images seen (dapfsr.models.base_models.HalfLifeEMA)
    ema_config=dict(type='HalfLifeEMA', half_life_kimg=5., rampup=0.05),
    latent_statistics_samples=10000)

optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    generator=dict(optimizer=dict(type='Adam', lr=0.0025, betas=(0., 0.99))),
    discriminator=dict(optimizer=dict(type='Adam', lr=0.0025 * d_c, betas=(0., 0.99 ** d_c))))
