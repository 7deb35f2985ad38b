# Not a row of the paper: the weightless stand-in for style transfer. Source faces get
# the exemplar's per-channel colour statistics (ColorStatisticsTransfer, not AdaIN), phi
# fine-tuned.
_base_ = ['./dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py']
adaptation = dict(type='OneShotAdaptation', augmenter=dict(_delete_=True, type='ColorStatisticsTransfer', low_pass_size=0))
