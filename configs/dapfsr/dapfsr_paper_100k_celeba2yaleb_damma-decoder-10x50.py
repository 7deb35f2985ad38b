# Table 2, row E: the soft mixing weight alpha (Eq. 6-9), the whole decoder
# fine-tuned (row F, the default config, adapts only the AdaIN affines phi).
_base_ = ['./dapfsr_paper_100k_celeba2yaleb_damma-10x50.py']
adaptation = dict(trainable='decoder')
