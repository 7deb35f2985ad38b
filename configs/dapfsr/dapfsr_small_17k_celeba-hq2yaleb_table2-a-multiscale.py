# Table 2, row A (+ multi-scale features): pyramid context (C3, C4, C5, global)
# attended by the ALEs; no ISTN; w predicted directly.
_base_ = ['./dapfsr_small_17k_celeba-hq2yaleb.py']

model = dict(encoder=dict(multi_scale=True, istn_positions=()), offset_scale=False)
