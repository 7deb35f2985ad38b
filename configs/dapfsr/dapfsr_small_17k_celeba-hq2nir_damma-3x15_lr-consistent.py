# dapfsr_small_17k_celeba-hq2nir_damma-3x15.py with every output made consistent with its LR face
# (beyond the paper: configs/_base_/refinement/lr_consistency_small.py).
_base_ = ['./dapfsr_small_17k_celeba-hq2nir_damma-3x15.py', '../_base_/refinement/lr_consistency_small.py']
model = dict(refiner=_base_.lr_consistency_refiner)
