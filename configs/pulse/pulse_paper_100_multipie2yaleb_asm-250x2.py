# Table 1, Multi-PIE -> Extended Yale B: PULSE + ASM, paper profile, as
# pulse_paper_100_celeba2yaleb_asm-250x2.py (which says what is
# fine-tuned and why) on this benchmark.
#   python tools/test.py configs/pulse/pulse_paper_100_multipie2yaleb_asm-250x2.py --one-shot adapt
_base_ = ['./pulse_paper_100_multipie2yaleb.py', '../_base_/adaptation/asm.py']

model = dict(adaptation_steps=20)
# ASM stylises the source domain's training faces: Multi-PIE's, at asm.py's HR size
adaptation = dict(trainable='style_modulation', lr_phi=1e-3, augmenter=dict(source_faces=dict(
    _base_.source_dataset, pipeline=_base_.adaptation.augmenter.source_faces.pipeline, _delete_=True)))
