# The paper profile's StyleGAN2 decoder G: config-f at 128 px (mmagic's channel table, channel
# multiplier 2), 512-d styles, 8 mapping layers. Written once for the GAN that trains it
# (./stylegan2_paper.py) and the models that draw with it (./dapfsr.py, PULSE).
stylegan2_paper_decoder = dict(type='StyleGANDecoder', out_size=128, style_channels=512, num_mlps=8,
                               channel_multiplier=2, lr_mlp=0.01)
