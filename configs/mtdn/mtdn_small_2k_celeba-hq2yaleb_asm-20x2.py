# Table 1's MTDN + ASM, small profile: MTDN (mtdn_small_2k_celeba-hq.py) fine-tuned on ASM's
# stylised source faces and the exemplar (configs/_base_/adaptation/asm_small.py). The
# whole generator is MTDN's SR network and is fine-tuned, by its content loss (MSE), at its
# training rate (Adam 1e-3), as ASM fine-tunes its task network at its training rate.
#   python tools/test.py configs/mtdn/mtdn_small_2k_celeba-hq2yaleb_asm-20x2.py CKPT --one-shot adapt
_base_ = ['./mtdn_small_2k_celeba-hq2yaleb.py', '../_base_/adaptation/asm_small.py']

adaptation = dict(trainable='generator', lr_phi=1e-3)
