# The published small model's last leg (beyond the paper): the encoder of
# dapfsr_small_ft-2k_celeba-hq_photometric.py (the committed 17,000-iteration encoder, 2,000
# iterations under camera and lighting variation) trained 3,000 more on CelebA-HQ train/ +
# extra/ (19,500 faces), the same variation, lr 1e-4, x0.1 from 2,250. Both legs, from the
# repository root (the first writes the checkpoint the second starts from):
#   python tools/train.py configs/dapfsr/dapfsr_small_ft-2k_celeba-hq_photometric.py
#   python tools/train.py configs/dapfsr/dapfsr_small_ft-3k_celeba-hq-extra_photometric.py
# Measurements: configs/dapfsr/README.md ("An encoder that reads the target").
_base_ = ['./dapfsr_small_ft-2k_celeba-hq_photometric.py']

load_from = 'work_dirs/dapfsr_small_ft-2k_celeba-hq_photometric/iter_2000.pth'
train_dataloader = dict(dataset=dict(
    _delete_=True, type='ConcatDataset',
    datasets=[dict(type=_base_.dataset_type, data_root=_base_.data_root, split=split,
                   pipeline=_base_.train_pipeline) for split in ('train', 'extra')]))
param_scheduler = [dict(type='MultiStepLR', by_epoch=False, milestones=[2250], gamma=0.1)]
train_cfg = dict(max_iters=3000, val_interval=1000)
