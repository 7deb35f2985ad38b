# Table 1's PULSE + ASM, paper profile: the decoder's AdaIN affines phi fine-tuned so that
# the faces PULSE's search finds take the target's style (the decoder is PULSE's only
# trainable part; pulse_small_100_celeba-hq2yaleb_asm-20x2.py says why and how), on ASM's
# stylised source faces (configs/_base_/adaptation/asm.py). Each step searches 20 steps.
#   python tools/test.py configs/pulse/pulse_paper_100_celeba2yaleb_asm-250x2.py --one-shot adapt
_base_ = ['./pulse_paper_100_celeba2yaleb.py', '../_base_/adaptation/asm.py']

model = dict(adaptation_steps=20)
adaptation = dict(trainable='style_modulation', lr_phi=1e-3)
