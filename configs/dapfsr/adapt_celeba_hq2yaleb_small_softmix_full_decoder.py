# Table 2, row E, small profile: soft mixing weight, whole decoder fine-tuned.
_base_ = ['./adapt_celeba_hq2yaleb_small.py']
adaptation = dict(trainable='decoder')
