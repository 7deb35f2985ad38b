# Table 1, CelebA -> Multi-PIE: DAP-FSR + ASM, paper profile, as
# dapfsr_paper_100k_celeba2yaleb_asm-250x2.py (which says what is
# fine-tuned and why) on this benchmark.
#   python tools/test.py configs/dapfsr/dapfsr_paper_100k_celeba2multipie_asm-250x2.py CKPT --one-shot adapt
_base_ = ['./dapfsr_paper_100k_celeba2multipie.py', '../_base_/adaptation/asm.py']

model = dict(decoder_checkpoint=None, encoder=dict(backbone=dict(pretrained=None)))  # all in CKPT
