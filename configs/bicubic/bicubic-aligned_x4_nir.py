# "Bicubic, aligned" (bicubic-aligned_x4_yaleb.py) on the synthetic NIR target.
#   python tools/test.py configs/bicubic/bicubic-aligned_x4_nir.py --one-shot source_only
_base_ = ['./bicubic_x4_nir.py', '../_base_/refinement/lr_consistency_small.py']
model = dict(refiner=_base_.upright_warp)
