# "Bicubic, aligned" (beyond the paper), small profile: the LR face MATLAB-bicubic upsampled to
# 64 px, then put upright by the inverse of the affine the AffineAligner estimates
# (UprightWarp). Bicubic alone leaves the face where the random affine put it; this is the
# honest floor a learnt model must beat. Same one-shot tasks as bicubic_x4_yaleb.py:
#   python tools/test.py configs/bicubic/bicubic-aligned_x4_yaleb.py --one-shot source_only
_base_ = ['./bicubic_x4_yaleb.py', '../_base_/refinement/lr_consistency_small.py']
model = dict(refiner=_base_.upright_warp)
