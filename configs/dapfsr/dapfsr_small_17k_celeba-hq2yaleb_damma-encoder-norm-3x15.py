# DAMMA adapting phi and the encoder's batch-norm scales and shifts (beyond the paper, whose
# Algorithm 1 keeps E fixed): the encoder re-normalises what the target camera's faces make of
# its backbone's features, on the generated pairs and the exemplar.
_base_ = ['./dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py']

adaptation = dict(trainable=['style_modulation', 'encoder_norm'])
