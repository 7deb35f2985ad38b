# Table 2, "Baseline network": latents from the backbone's last layer (C5)
# only; no ISTN; w predicted directly.
_base_ = ['./dapfsr_paper_100k_celeba2yaleb.py']

model = dict(encoder=dict(multi_scale=False, istn_positions=()), offset_scale=False)
