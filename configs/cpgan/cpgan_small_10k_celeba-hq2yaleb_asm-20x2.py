# Table 1's CPGAN + ASM, small profile: CPGAN (cpgan_small_10k_celeba-hq.py) fine-tuned on
# ASM's stylised source faces and the exemplar (configs/_base_/adaptation/asm_small.py).
# The whole generator is fine-tuned by its face stream's content terms (pixel, style,
# perceptual; no adversarial or heatmap term) at its training rate (Adam 1e-4).
#   python tools/test.py configs/cpgan/cpgan_small_10k_celeba-hq2yaleb_asm-20x2.py CKPT --one-shot adapt
_base_ = ['./cpgan_small_10k_celeba-hq2yaleb.py', '../_base_/adaptation/asm_small.py']

adaptation = dict(trainable='generator', lr_phi=1e-4)
