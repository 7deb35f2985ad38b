# StyleGAN2 GAN training the small profile's decoder G (./stylegan2_small_decoder.py); no path
# length regularization (it costs a double backward pass). The other values are StyleGAN2-ADA's
# "auto" config for 64 px at batch 16: lr 0.0025, R1 gamma = 0.0002 * 64^2 / 16 = 0.05,
# EMA half-life = 16 * 10 / 32 = 5 kimg with ramp-up 0.05, style mixing 0.9, 2 mapping layers.
_base_ = ['./stylegan2_small_decoder.py']
decoder_size = _base_.stylegan2_small_decoder.out_size
d_reg_interval = 16
d_c = d_reg_interval / (d_reg_interval + 1)  # lazy regularization: lr * c, beta ** c

model = dict(
    type='StyleGAN2',
    data_preprocessor=dict(type='FaceSRDataPreprocessor'),
    generator=_base_.stylegan2_small_decoder,
    discriminator=dict(type='StyleGAN2Discriminator', in_size=decoder_size,
                       channels=_base_.stylegan2_small_decoder.channels),
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
