# Table 3, "Direct fine-tuning": no augmentation, phi fine-tuned on the exemplar
# pair(s) alone for as many steps as DAMMA takes.
_base_ = ['./dapfsr_paper_100k_celeba2yaleb_damma-10x50.py']
adaptation = dict(type='OneShotAdaptation', augmenter=None)
