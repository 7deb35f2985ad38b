# dapfsr_small_17k_celeba-hq2yaleb_asm-20x2.py with every output made consistent with its LR face
# (beyond the paper: configs/_base_/refinement/lr_consistency_small.py). `tools/test.py ... --one-shot
# adapt --unrefined-row` gives both variants of the row from one adaptation per task.
_base_ = ['./dapfsr_small_17k_celeba-hq2yaleb_asm-20x2.py', '../_base_/refinement/lr_consistency_small.py']
model = dict(refiner=_base_.lr_consistency_refiner)
