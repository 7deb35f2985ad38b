# Table 2, row D, small profile: hard swap of the last three W+ layers, whole decoder fine-tuned.
_base_ = ['./dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py']
adaptation = dict(augmenter=dict(_delete_=True, type='HardLatentMixing', target_layers=(-3, -2, -1)),
                  trainable='decoder')
