# Beyond the paper, small profile: refiners that use the AffineAligner's estimate of each LR
# face's affine. A config sets one as its model's refiner (mmengine refuses a `model` key in
# two bases, so this base names them and the config picks one):
#   _base_ = ['<model config>', '../_base_/refinement/lr_consistency_small.py']
#   model = dict(refiner=_base_.lr_consistency_refiner)
# lr_consistency_refiner: the smallest change to the output after which, warped by the affine
# and MATLAB-bicubic downsampled, it reproduces its LR face (any model: DAP-FSR, PULSE, MTDN,
# CPGAN; the `_lr-consistent` configs). upright_warp: the output warped back upright (with
# bicubic, the "bicubic, aligned" row).
_base_ = ['../models/affine_aligner_small.py']
# lambda 0.01: +0.5 dB (Yale B, 3 splits x 2 seeds) and +0.3 dB (synthetic NIR) over the exact
# projection (0), whose corrections through an affine a few pixels off also move detail;
# 0.003 and 0.03 in between, 0.1 below (configs/aligner/README.md)
# detail_gain 0.5: the model's detail above the LR band at half weight; DAP-FSR source only,
# exemplar seed 0, gain 1 / 0.75 / 0.5 / 0.25 / 0: Yale B (10 splits) 21.55 / 21.66 / 21.72 /
# 21.72 / 21.66 dB, synthetic NIR 25.58 / 25.75 / 25.76 / 25.60 / 25.31 (configs/dapfsr/README.md)
lr_consistency_refiner = dict(type='LRConsistencyRefiner', aligner=_base_.affine_aligner,
                              aligner_checkpoint=_base_.affine_aligner_checkpoint, iterations=30,
                              regularisation=0.01, detail_gain=0.5, in_adaptation=False)
upright_warp = dict(type='UprightWarp', aligner=_base_.affine_aligner,
                    aligner_checkpoint=_base_.affine_aligner_checkpoint)
