# CMU Multi-PIE as a source domain, with the paper profile's faces and dataloaders: the
# frames of ./multipie_source.py (which says how they are chosen and aligned). The paper's
# Multi-PIE -> Extended Yale B trains each method's CelebA config on them instead
# (./multipie_source.py says how). As a target domain: configs/_base_/targets/multipie.py.
_base_ = ['./face_sr.py', './multipie_source.py']

train_dataloader = dict(dataset=dict(_base_.source_dataset, pipeline=_base_.train_pipeline))
val_dataloader = dict(dataset=dict(_base_.source_dataset, test_mode=True, pipeline=_base_.test_pipeline))
test_dataloader = val_dataloader
