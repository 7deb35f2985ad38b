# DAP-FSR encoder training, small profile: CelebA-HQ (8,000 train faces),
# 16 -> 64 (x4) with the frozen 64 px decoder, EfficientNet-Lite0 encoder and
# perceptual features, batch 8, 17,000 iterations; trains on 2 CPU cores.
#   python tools/train.py configs/dapfsr/dapfsr_small_17k_celeba-hq.py
# Needs checkpoints/stylegan2_small_celebahq64.pth (the EMA generator of
# configs/stylegan2/stylegan2_small_celebahq64.py); see configs/dapfsr/README.md.
_base_ = [
    '../_base_/models/dapfsr_small.py',
    '../_base_/datasets/celeba_hq.py',
    '../_base_/schedules/dapfsr_small.py',
    '../_base_/default_runtime.py',
]

# The LR face is made exactly as in the paper profile (random affine of the
# 128 px face, MATLAB bicubic to 16 px); only the HR target is brought down
# to the decoder's 64 px afterwards.
scale_hr = 64
train_pipeline = [
    dict(type='LoadFaceImage', key='gt', num_channels=3),
    dict(type='CropAndResize', keys=['gt'], size=128),
    dict(type='RandomHorizontalFlip', keys=['gt']),  # CelebA-HQ's numbering is not random in pose
    dict(type='RandomFaceAffine', preset='moderate', seed=None),
    dict(type='MatlabResize', keys=['lr'], size=16),
    dict(type='MatlabResize', keys=['gt'], size=scale_hr),
    dict(type='PackFaceInputs'),
]
test_pipeline = [
    dict(type='LoadFaceImage', key='gt', num_channels=3),
    dict(type='CropAndResize', keys=['gt'], size=128),
    dict(type='RandomFaceAffine', preset='moderate', seed=0),
    dict(type='MatlabResize', keys=['lr'], size=16),
    dict(type='MatlabResize', keys=['gt'], size=scale_hr),
    dict(type='PackFaceInputs'),
]
train_dataloader = dict(batch_size=8, num_workers=1, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(num_workers=1,  # the first 100 test faces, to keep validation short
                      dataset=dict(pipeline=test_pipeline, indices=100))
test_dataloader = dict(num_workers=1, dataset=dict(pipeline=test_pipeline))

# LatentSpreadRatio: how input-dependent the predicted W+ codes are, against the W+ codes
# of the decoder ceiling (tools/analysis/decoder_ceiling.py, 32 test faces: raw spread 0.524).
val_evaluator = [dict(type='PSNR'), dict(type='SSIM'), dict(type='LatentSpread', reference=0.524)]
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(interval=1000, save_best='PSNR', rule='greater'),
                     logger=dict(interval=20))
