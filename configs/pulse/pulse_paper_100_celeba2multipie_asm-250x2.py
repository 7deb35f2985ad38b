# Table 1, CelebA -> Multi-PIE: PULSE + ASM, paper profile, as
# pulse_paper_100_celeba2yaleb_asm-250x2.py (which says what is
# fine-tuned and why) on this benchmark.
#   python tools/test.py configs/pulse/pulse_paper_100_celeba2multipie_asm-250x2.py --one-shot adapt
_base_ = ['./pulse_paper_100_celeba2multipie.py', '../_base_/adaptation/asm.py']

model = dict(adaptation_steps=20)
adaptation = dict(trainable='style_modulation', lr_phi=1e-3)
