# Table 1, CelebA -> Multi-PIE: MTDN + ASM, paper profile, as
# mtdn_paper_100k_celeba2yaleb_asm-250x2.py (which says what is
# fine-tuned and why) on this benchmark.
#   python tools/test.py configs/mtdn/mtdn_paper_100k_celeba2multipie_asm-250x2.py CKPT --one-shot adapt
_base_ = ['./mtdn_paper_100k_celeba2multipie.py', '../_base_/adaptation/asm.py']

adaptation = dict(trainable='generator', lr_phi=1e-3)
