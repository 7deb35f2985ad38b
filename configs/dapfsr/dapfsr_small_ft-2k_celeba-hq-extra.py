# Lever: more source faces, CelebA-HQ train/ (8,000) and extra/ (11,500 more, disjoint from
# train/ and test/), from the control run's start.
_base_ = ['./dapfsr_small_ft-2k_celeba-hq.py']

train_dataloader = dict(dataset=dict(
    _delete_=True, type='ConcatDataset',
    datasets=[dict(type=_base_.dataset_type, data_root=_base_.data_root, split=split,
                   pipeline=_base_.train_pipeline) for split in ('train', 'extra')]))
