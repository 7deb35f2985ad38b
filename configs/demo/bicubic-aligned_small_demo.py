# Main job, the "Bicubic, aligned" row with the small profile (configs/bicubic/bicubic-aligned_x4_yaleb.py
# on the demo's faces): bicubic put upright by the AffineAligner's estimate, calibrated on the exemplar.
_base_ = ['./bicubic_small_demo.py', '../_base_/refinement/lr_consistency_small.py']
model = dict(refiner=_base_.upright_warp)
