# Table 3's ASM row (and Table 1's DAP-FSR + ASM), paper profile: the DAP-FSR model of
# dapfsr_paper_100k_celeba.py fine-tuned on ASM's stylised source faces
# (configs/_base_/adaptation/asm.py) instead of DAMMA's mixed latents, with DAMMA's
# constraint: only the AdaIN affines phi change (trainable='style_modulation', lr 1e-3).
#   python tools/test.py configs/dapfsr/dapfsr_paper_100k_celeba2yaleb_asm-250x2.py CKPT --one-shot adapt
# CKPT: the encoder training checkpoint of dapfsr_paper_100k_celeba.py.
_base_ = ['./dapfsr_paper_100k_celeba2yaleb.py', '../_base_/adaptation/asm.py']

# The trained DAP-FSR checkpoint holds the decoder and the encoder (as the DAMMA row).
model = dict(decoder_checkpoint=None, encoder=dict(backbone=dict(pretrained=None)))
