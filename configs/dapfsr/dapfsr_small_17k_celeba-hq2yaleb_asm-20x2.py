# Table 3's ASM row (and Table 1's DAP-FSR + ASM), small profile: the DAP-FSR model of
# dapfsr_small_17k_celeba-hq.py fine-tuned on ASM's stylised source faces
# (configs/_base_/adaptation/asm_small.py) instead of DAMMA's mixed latents, with DAMMA's
# constraint: only the AdaIN affines phi change (trainable='style_modulation', lr 1e-3).
#   python tools/test.py configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_asm-20x2.py CKPT --one-shot adapt
#   python tools/adapt.py configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_asm-20x2.py CKPT --split A+000E+00 --test
_base_ = ['./dapfsr_small_17k_celeba-hq2yaleb.py', '../_base_/adaptation/asm_small.py']
