# Table 1's MTDN + ASM, paper profile: MTDN (mtdn_paper_100k_celeba.py) fine-tuned on ASM's
# stylised source faces and the exemplar (configs/_base_/adaptation/asm.py). The whole
# generator is fine-tuned by its content loss (MSE) at its training rate (1e-3), as in the
# small profile's mtdn_small_2k_celeba-hq2yaleb_asm-20x2.py.
#   python tools/test.py configs/mtdn/mtdn_paper_100k_celeba2yaleb_asm-250x2.py CKPT --one-shot adapt
_base_ = ['./mtdn_paper_100k_celeba2yaleb.py', '../_base_/adaptation/asm.py']

adaptation = dict(trainable='generator', lr_phi=1e-3)
