# Table 3, "Style Transfer" [20]: source faces G(w^s) restyled after the exemplar by AdaIN
# (configs/_base_/adaptation/adain_style_transfer.py), then constrained fine-tuning of phi.
_base_ = ['./dapfsr_paper_100k_celeba2yaleb_damma-10x50.py', '../_base_/adaptation/adain_style_transfer.py']
adaptation = dict(type='OneShotAdaptation', augmenter=dict(_base_.adain_style_transfer, _delete_=True))
