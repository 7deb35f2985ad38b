# Table 1, Multi-PIE -> Extended Yale B: MTDN + ASM, paper profile, as
# mtdn_paper_100k_celeba2yaleb_asm-250x2.py (which says what is
# fine-tuned and why) on this benchmark.
#   python tools/test.py configs/mtdn/mtdn_paper_100k_multipie2yaleb_asm-250x2.py CKPT --one-shot adapt
_base_ = ['./mtdn_paper_100k_multipie2yaleb.py', '../_base_/adaptation/asm.py']

# ASM stylises the source domain's training faces: Multi-PIE's, at asm.py's HR size
adaptation = dict(trainable='generator', lr_phi=1e-3, augmenter=dict(source_faces=dict(
    _base_.source_dataset, pipeline=_base_.adaptation.augmenter.source_faces.pipeline, _delete_=True)))
