# Table 3, Style Transfer [20], small profile: AdaIN-restyled source faces
# (configs/_base_/adaptation/adain_style_transfer.py), phi fine-tuned.
_base_ = ['./dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py', '../_base_/adaptation/adain_style_transfer.py']
adaptation = dict(type='OneShotAdaptation', augmenter=dict(_base_.adain_style_transfer, _delete_=True))
