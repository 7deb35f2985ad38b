# DAMMA adapting phi and the decoder's synthesis biases (after each modulated conv and to_rgb;
# beyond the paper): StyleGAN2's demodulation cancels a uniform scale of phi, the biases can
# shift a layer's mean, as StyleGAN's AdaIN bias does.
_base_ = ['./dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py']

adaptation = dict(trainable=['style_modulation', 'synthesis_bias'])
