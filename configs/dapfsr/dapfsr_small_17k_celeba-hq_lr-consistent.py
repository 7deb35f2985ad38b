# dapfsr_small_17k_celeba-hq.py with every output made consistent with its LR face (beyond
# the paper: configs/_base_/refinement/lr_consistency_small.py): the photo path's default.
_base_ = ['./dapfsr_small_17k_celeba-hq.py', '../_base_/refinement/lr_consistency_small.py']
model = dict(refiner=_base_.lr_consistency_refiner)
