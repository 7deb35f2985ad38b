# Table 2, row B (+ multi-STN modules): multi-scale pyramid and ISTNs; the
# encoder predicts w directly (no offset scale, Eq. 2 off).
_base_ = ['./dapfsr_small_17k_celeba-hq2yaleb.py']

model = dict(encoder=dict(multi_scale=True, istn_positions=(0, 1, 2)), offset_scale=False)
