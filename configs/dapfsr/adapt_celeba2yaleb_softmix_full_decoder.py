# Table 2, row E: the soft mixing weight alpha (Eq. 6-9), the whole decoder
# fine-tuned (row F, the default config, adapts only the AdaIN affines phi).
_base_ = ['./adapt_celeba2yaleb.py']
adaptation = dict(trainable='decoder')
