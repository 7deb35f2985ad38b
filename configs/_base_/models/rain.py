# RAIN (Luo et al., NeurIPS 2020; ASM's style network), paper profile
# (docs/baselines.md#rain-network):
# frozen VGG-19 relu1_1..relu4_1 (torchvision's ImageNet weights in checkpoints/; RAIN's own
# encoder is pytorch-AdaIN's Caffe vgg_normalised, which takes [0, 1] images: ours takes
# [-1, 1] through the ImageNet normalisation), the AdaIN decoder 512 -> 3, fc nets on the
# relu4_1 [mu | sigma]: 1024 -> 1024 -> 1024 -> 1024 (C = C' = 512, H = 1024), losses
# content 1, style 1, latent 1, reconstruction 5 (RAIN's train.py), unbiased variances (its
# torch .var). Adam 1e-4 (RAIN's defaults: betas (0.9, 0.999)), lr / (1 + 5e-5 iter).
model = dict(
    type='RAIN',
    encoder=dict(type='VGG19Features', layers=('relu1_1', 'relu2_1', 'relu3_1', 'relu4_1'),
                 pretrained='checkpoints/vgg19-dcbb9e9d.pth'),
    decoder=dict(type='AdaINDecoder'),  # pytorch-AdaIN's layout: its decoder.pth keys load
    latent_channels=512,
    hidden_channels=1024,
    content_weight=1.,
    style_weight=1.,
    latent_weight=1.,
    recons_weight=5.,
    style_layer_weights=None,  # RAIN: the four layers' terms summed as they are
    unbiased=True,
    data_preprocessor=dict(type='FaceSRDataPreprocessor'))

optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-4))
param_scheduler = [dict(type='InverseTimeLR', decay=5e-5, by_epoch=False)]
