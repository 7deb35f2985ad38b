# DAMMA as Algorithm 1 writes it (the paper-faithful row): line 8 trains phi on the generated
# pairs only (exemplar_weight 0; the toolbox's default adds the real exemplar pair at weight
# 0.5, a direct fine-tuning term).
_base_ = ['./dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py']

adaptation = dict(exemplar_weight=0.0)
