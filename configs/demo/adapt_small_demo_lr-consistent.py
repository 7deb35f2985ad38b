# Main job, the default one-shot row: adapt_small_demo.py with every output made consistent
# with its LR face (configs/_base_/refinement/lr_consistency_small.py, beyond the paper) and
# DAMMA for 3 x 5 iterations, as configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x5_lr-consistent.py.
_base_ = ['./adapt_small_demo.py', '../_base_/refinement/lr_consistency_small.py']
model = dict(refiner=_base_.lr_consistency_refiner)
adaptation = dict(inner_iters=5)
