# Deployment stage, small profile (2 CPU cores): the DAP-FSR model of
# dapfsr_small_17k_celeba-hq.py (16 -> 64) adapted to Extended Yale B by DAMMA (Table 2,
# row F), 3 x 15 iterations (configs/_base_/adaptation/damma_small.py).
#   python tools/adapt.py configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py CKPT --exemplar-hr HR64.png
#   python tools/adapt.py configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py CKPT --split A+000E+00 --test
#   python tools/test.py configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py CKPT --one-shot adapt
# CKPT: the encoder training checkpoint of dapfsr_small_17k_celeba-hq.py.
_base_ = ['./dapfsr_small_17k_celeba-hq2yaleb.py', '../_base_/adaptation/damma_small.py']
