# Table 1, Multi-PIE -> Extended Yale B: DAP-FSR + ASM, paper profile, as
# dapfsr_paper_100k_celeba2yaleb_asm-250x2.py (which says what is
# fine-tuned and why) on this benchmark.
#   python tools/test.py configs/dapfsr/dapfsr_paper_100k_multipie2yaleb_asm-250x2.py CKPT --one-shot adapt
_base_ = ['./dapfsr_paper_100k_multipie2yaleb.py', '../_base_/adaptation/asm.py']

model = dict(decoder_checkpoint=None, encoder=dict(backbone=dict(pretrained=None)))  # all in CKPT
# ASM stylises the source domain's training faces: Multi-PIE's, at asm.py's HR size
adaptation = dict(augmenter=dict(source_faces=dict(
    _base_.source_dataset, pipeline=_base_.adaptation.augmenter.source_faces.pipeline, _delete_=True)))
