# Table 1, CelebA -> Multi-PIE: CPGAN + ASM, paper profile, as
# cpgan_paper_200k_celeba2yaleb_asm-250x2.py (which says what is
# fine-tuned and why) on this benchmark.
#   python tools/test.py configs/cpgan/cpgan_paper_200k_celeba2multipie_asm-250x2.py CKPT --one-shot adapt
_base_ = ['./cpgan_paper_200k_celeba2multipie.py', '../_base_/adaptation/asm.py']

adaptation = dict(trainable='generator', lr_phi=1e-4)
