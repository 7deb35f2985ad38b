# The small profile's StyleGAN2 decoder G (64 px, narrow: trains on a 2-core CPU): widths 256
# (4-8 px) to 32 (64 px), 256-d styles, 2 mapping layers. Written once for the GAN that trains
# it (./stylegan2_small.py) and the models that draw with it (./dapfsr_small.py, PULSE).
stylegan2_small_decoder = dict(type='StyleGANDecoder', out_size=64, style_channels=256, num_mlps=2,
                               channels={4: 256, 8: 256, 16: 128, 32: 64, 64: 32}, lr_mlp=0.01)
