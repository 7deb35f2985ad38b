# Table 1, Multi-PIE -> Extended Yale B: CPGAN + ASM, paper profile, as
# cpgan_paper_200k_celeba2yaleb_asm-250x2.py (which says what is
# fine-tuned and why) on this benchmark.
#   python tools/test.py configs/cpgan/cpgan_paper_200k_multipie2yaleb_asm-250x2.py CKPT --one-shot adapt
_base_ = ['./cpgan_paper_200k_multipie2yaleb.py', '../_base_/adaptation/asm.py']

# ASM stylises the source domain's training faces: Multi-PIE's, at asm.py's HR size
adaptation = dict(trainable='generator', lr_phi=1e-4, augmenter=dict(source_faces=dict(
    _base_.source_dataset, pipeline=_base_.adaptation.augmenter.source_faces.pipeline, _delete_=True)))
