# Main job, the default one-shot row: adapt_small_demo.py with every output made consistent
# with its LR face (configs/_base_/refinement/lr_consistency_small.py, beyond the paper).
_base_ = ['./adapt_small_demo.py', '../_base_/refinement/lr_consistency_small.py']
model = dict(refiner=_base_.lr_consistency_refiner)
