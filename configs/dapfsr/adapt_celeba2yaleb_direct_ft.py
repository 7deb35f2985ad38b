# Table 3, "Direct fine-tuning": no augmentation, phi fine-tuned on the exemplar
# pair(s) alone for as many steps as DAMMA takes.
_base_ = ['./adapt_celeba2yaleb.py']
adaptation = dict(augmenter=None)
