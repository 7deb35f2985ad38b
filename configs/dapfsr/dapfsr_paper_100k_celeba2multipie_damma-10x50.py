# Table 1, CelebA -> Multi-PIE: DAP-FSR + DAMMA, paper profile, as
# dapfsr_paper_100k_celeba2yaleb_damma-10x50.py on this benchmark.
#   python tools/test.py configs/dapfsr/dapfsr_paper_100k_celeba2multipie_damma-10x50.py CKPT --one-shot adapt
_base_ = ['./dapfsr_paper_100k_celeba2multipie.py', '../_base_/adaptation/damma.py']

model = dict(decoder_checkpoint=None, encoder=dict(backbone=dict(pretrained=None)))  # all in CKPT
