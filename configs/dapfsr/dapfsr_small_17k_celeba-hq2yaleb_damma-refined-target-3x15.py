# DAMMA with w^t refined towards the exemplar's HR face (50 Adam steps of pixel MSE through the
# current decoder at each outer iteration; beyond the paper): where the encoder reads a target
# face as a source-style one, the projection's G(w^t) lacks the target's style.
_base_ = ['./dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py']

adaptation = dict(augmenter=dict(target_refine_steps=50))
