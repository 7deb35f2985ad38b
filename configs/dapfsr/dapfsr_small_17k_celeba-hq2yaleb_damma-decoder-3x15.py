# Table 2, row E, small profile: soft mixing weight, whole decoder fine-tuned.
_base_ = ['./dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py']
adaptation = dict(trainable='decoder')
