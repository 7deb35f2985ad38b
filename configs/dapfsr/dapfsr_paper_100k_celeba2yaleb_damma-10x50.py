# Deployment stage, paper profile: the DAP-FSR model of dapfsr_paper_100k_celeba.py
# adapted to Extended Yale B by DAMMA (Algorithm 1; Table 2, row F: soft mixing
# weight + constrained adaptation of the AdaIN affines phi), 10 x 50 iterations.
#   python tools/adapt.py configs/dapfsr/dapfsr_paper_100k_celeba2yaleb_damma-10x50.py CKPT --exemplar-hr HR.png [--exemplar-lr LR.png]
#   python tools/adapt.py configs/dapfsr/dapfsr_paper_100k_celeba2yaleb_damma-10x50.py CKPT --split A+000E+00 --exemplar-seed 0 --test
#   python tools/test.py configs/dapfsr/dapfsr_paper_100k_celeba2yaleb_damma-10x50.py CKPT --one-shot adapt   # 10 splits x 10 exemplars
# CKPT: the encoder training checkpoint of dapfsr_paper_100k_celeba.py.
_base_ = ['./dapfsr_paper_100k_celeba2yaleb.py', '../_base_/adaptation/damma.py']

# The trained DAP-FSR checkpoint holds the decoder and the encoder: no separate files.
model = dict(decoder_checkpoint=None, encoder=dict(backbone=dict(pretrained=None)))
