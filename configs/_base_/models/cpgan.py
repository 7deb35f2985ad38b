# CPGAN (Zhang et al., CVPR 2020), paper profile (docs/baselines.md#cpgan): the generator at the
# source's widths (C 256, M 128, hourglass 256 x depth 4 at 64 px, tail 32), 16 -> 128, the
# SRGAN-style discriminator with the least-squares loss, G's loss terms at the source's weights,
# Adam (0.5, 0.999) at 1e-4 for both networks. The profile configs set the test guide and
# (small profile) the widths and perceptual features.
model = dict(
    type='CPGAN',
    generator=dict(type='CPGANGenerator', upscale_factor=8, channels=256, mid_channels=128,
                   landmark_channels=256, hourglass_depth=4, tail_channels=32, attention_reduction=16),
    discriminator=dict(type='CPGANDiscriminator', in_size=128, channels=(64, 128, 256, 512)),
    # the source's VGG-19 features[:12], up to relu3_1
    perceptual=dict(type='VGG19Features', layers=('relu3_1', ), pretrained='checkpoints/vgg19-dcbb9e9d.pth'),
    gan_loss=dict(type='LeastSquaresGANLoss'),
    pixel_loss_weight=1.0,
    style_loss_weight=1e-2,
    adversarial_loss_weight=1e-1,
    perceptual_loss_weight=1e-2,
    heatmap_loss_weight=10 / 68,  # 10 x MSE / 68, as the source writes it
    guide_loss=True,
    style_reference='gt',  # no shading pairs in CelebA / CelebA-HQ: the HR face is its own normal light
    heatmap_sigma=1.0,
    data_preprocessor=dict(type='FaceSRDataPreprocessor', num_channels=3))

adam = dict(type='Adam', lr=1e-4, betas=(0.5, 0.999))
optim_wrapper = dict(constructor='MultiOptimWrapperConstructor',
                     generator=dict(optimizer=adam), discriminator=dict(optimizer=adam))
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
