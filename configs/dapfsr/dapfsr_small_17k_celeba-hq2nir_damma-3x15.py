# DAMMA (3 x 15, as dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py) on the synthetic NIR target.
#   python tools/test.py configs/dapfsr/dapfsr_small_17k_celeba-hq2nir_damma-3x15.py CKPT --one-shot adapt
_base_ = ['./dapfsr_small_17k_celeba-hq2nir.py', '../_base_/adaptation/damma_small.py']
