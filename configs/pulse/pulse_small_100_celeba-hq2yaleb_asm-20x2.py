# Table 1's PULSE + ASM, small profile. PULSE has no SR network: its output is the
# decoder's face at a searched latent, so the decoder is the only part that can learn the
# target domain. Fine-tuned: the decoder's AdaIN affines phi (trainable='style_modulation',
# DAMMA's constrained set and rate, 1e-3), so that the faces the search finds for
# target-style LR faces take the target's style: each step searches the pairs' LR faces
# (adaptation_steps=20, not 100, to keep a task at minutes) and moves phi to make the found
# faces match their HR faces (pixel MSE; PULSE's loss has no perceptual term).
#   python tools/test.py configs/pulse/pulse_small_100_celeba-hq2yaleb_asm-20x2.py --one-shot adapt
_base_ = ['./pulse_small_100_celeba-hq2yaleb.py', '../_base_/adaptation/asm_small.py']

model = dict(adaptation_steps=20)
adaptation = dict(trainable='style_modulation', lr_phi=1e-3)
