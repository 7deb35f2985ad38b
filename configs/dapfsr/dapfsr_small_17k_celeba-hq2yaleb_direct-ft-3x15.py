# Table 3, direct fine-tuning, small profile: phi fine-tuned on the exemplar pair(s) alone.
_base_ = ['./dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py']
adaptation = dict(type='OneShotAdaptation', augmenter=None)
