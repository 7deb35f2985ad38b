# Decoder G of the Multi-PIE source models (configs/dapfsr/dapfsr_paper_100k_multipie.py,
# configs/pulse/pulse_paper_100_multipie.py): stylegan2_celeba128.py trained on CMU
# Multi-PIE's neutral frames (configs/_base_/datasets/multipie_source.py); copy its EMA
# generator to checkpoints/stylegan2_multipie128.pth.
#   python tools/train.py configs/stylegan2/stylegan2_multipie128.py
_base_ = ['./stylegan2_celeba128.py', '../_base_/datasets/multipie_source.py']

train_dataloader = dict(dataset=dict(_base_.source_dataset, pipeline=_base_.gan_pipeline, _delete_=True))
