# StyleGAN2 config-f decoder G at the paper's 128 px (DAP-FSR sec. 4.1 / 4.3: "we first train our
# decoder G following the protocols of StyleGAN"): mmagic's channel table (channel_multiplier 2),
# 512-d styles, 8 mapping layers, lr 0.002, Adam betas (0, 0.99), R1 gamma 10 every 16 D steps,
# path length weight 2 every 4 G steps on half batches, style mixing 0.9, EMA half-life 10 kimg:
# the values of StyleGAN2's config-f (Karras et al. 2020, appendix B and its official code).
# The decoder's architecture: ./stylegan2_paper_decoder.py.
_base_ = ['./stylegan2_paper_decoder.py']
decoder_size = _base_.stylegan2_paper_decoder.out_size
d_reg_interval = 16
g_reg_interval = 4
d_c = d_reg_interval / (d_reg_interval + 1)  # lazy regularization: lr * c, beta ** c (appendix B)
g_c = g_reg_interval / (g_reg_interval + 1)

model = dict(
    type='StyleGAN2',
    data_preprocessor=dict(type='FaceSRDataPreprocessor'),
    generator=_base_.stylegan2_paper_decoder,
    discriminator=dict(type='StyleGAN2Discriminator', in_size=decoder_size, channel_multiplier=2),
    gan_loss=dict(type='NonSaturatingLogisticLoss'),
    r1_penalty=dict(type='R1GradientPenalty', gamma=10., interval=d_reg_interval),
    path_length=dict(type='PathLengthRegularizer', loss_weight=2., interval=g_reg_interval,
                     decay=0.01, batch_shrink=2),
    mixing_prob=0.9,
    # G_ema: half-life 10 kimg, no ramp-up (StyleGAN2 config-f; dapfsr.models.base_models.HalfLifeEMA)
    ema_config=dict(type='HalfLifeEMA', half_life_kimg=10., rampup=None),
    latent_statistics_samples=10000)

optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    generator=dict(optimizer=dict(type='Adam', lr=0.002 * g_c, betas=(0., 0.99 ** g_c))),
    discriminator=dict(optimizer=dict(type='Adam', lr=0.002 * d_c, betas=(0., 0.99 ** d_c))))
