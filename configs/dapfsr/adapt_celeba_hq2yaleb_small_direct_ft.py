# Table 3, direct fine-tuning, small profile: phi fine-tuned on the exemplar pair(s) alone.
_base_ = ['./adapt_celeba_hq2yaleb_small.py']
adaptation = dict(augmenter=None)
