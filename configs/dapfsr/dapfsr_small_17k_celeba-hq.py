# DAP-FSR encoder training, small profile: CelebA-HQ (8,000 train faces),
# 16 -> 64 (x4) with the frozen 64 px decoder, EfficientNet-Lite0 encoder and
# perceptual features, batch 8, 17,000 iterations; trains on 2 CPU cores.
#   python tools/train.py configs/dapfsr/dapfsr_small_17k_celeba-hq.py
# Needs checkpoints/stylegan2_small_celebahq64.pth (the EMA generator of
# configs/stylegan2/stylegan2_small_celebahq64.py); see configs/dapfsr/README.md.
_base_ = [
    '../_base_/models/dapfsr_small.py',
    '../_base_/datasets/celeba_hq_64.py',  # 16 px LR, 64 px HR
    '../_base_/schedules/dapfsr_small.py',
    '../_base_/default_runtime.py',
]

train_dataloader = dict(batch_size=8, num_workers=1)
val_dataloader = dict(num_workers=1, dataset=dict(indices=100))  # the first 100 test faces: short
test_dataloader = dict(num_workers=1)

# LatentSpreadRatio: how input-dependent the predicted W+ codes are, against the W+ codes
# of the decoder ceiling (tools/analysis/decoder_ceiling.py, 32 test faces: raw spread 0.524).
val_evaluator = [dict(type='PSNR'), dict(type='SSIM'), dict(type='LatentSpread', reference=0.524)]
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(interval=1000, save_best='PSNR', rule='greater'),
                     logger=dict(interval=20))
