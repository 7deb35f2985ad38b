# Table 1's CPGAN + ASM, paper profile: CPGAN (cpgan_paper_200k_celeba.py) fine-tuned on
# ASM's stylised source faces and the exemplar (configs/_base_/adaptation/asm.py). The whole
# generator is fine-tuned by its face stream's content terms (pixel, style, perceptual) at
# its training rate (1e-4), as in cpgan_small_10k_celeba-hq2yaleb_asm-20x2.py.
#   python tools/test.py configs/cpgan/cpgan_paper_200k_celeba2yaleb_asm-250x2.py CKPT --one-shot adapt
_base_ = ['./cpgan_paper_200k_celeba2yaleb.py', '../_base_/adaptation/asm.py']

adaptation = dict(trainable='generator', lr_phi=1e-4)
