# MTDN, paper profile, on CMU Multi-PIE: the source model of Table 1's Multi-PIE -> Extended
# Yale B. mtdn_paper_100k_celeba.py with Multi-PIE's neutral frames
# (configs/_base_/datasets/multipie_source.py) in place of CelebA, as
# configs/dapfsr/dapfsr_paper_100k_multipie.py (validation: the first 2000 frames).
#   python tools/train.py configs/mtdn/mtdn_paper_100k_multipie.py
_base_ = ['./mtdn_paper_100k_celeba.py', '../_base_/datasets/multipie_source.py']

train_dataloader = dict(dataset=dict(_base_.source_dataset, pipeline=_base_.train_pipeline, _delete_=True))
val_dataloader = dict(dataset=dict(_base_.source_dataset, test_mode=True, indices=2000,
                                   pipeline=_base_.test_pipeline, _delete_=True))
test_dataloader = val_dataloader
