# PULSE (Menon et al., CVPR 2020), small profile: latent search through the committed 64 px
# decoder (the decoder of configs/_base_/models/dapfsr_small.py, the same file DAP-FSR's small
# model uses) for each 16 px LR face of the CelebA-HQ test set of
# configs/dapfsr/dapfsr_small_17k_celeba-hq.py (the same LR faces). No training, no weights:
#   python tools/test.py configs/pulse/pulse_small_100_celeba-hq.py \
#       [--cfg-options test_dataloader.dataset.indices=100]
# About 1.2 s per face at batch 16 on one CPU thread, 500 faces in 16 min (configs/pulse/README.md).
_base_ = ['../dapfsr/dapfsr_small_17k_celeba-hq.py']

# PULSE's own settings (docs/baselines.md#pulse) are the model's defaults
# (dapfsr/models/editors/pulse/pulse.py):
# 100 Adam steps at lr 0.4 (linear1cycledrop), loss 100 * L2 + 0.05 * GEOCROSS, eps 2e-3 on
# [0, 1] images, the first 4 noise maps trained (StyleGAN v1's 4, 4, 8, 8, 16 px maps are the
# first 4 of our StyleGAN2 layout) and the last zeroed, face k seeded by seed + k, the latent
# Gaussian fitted from 1e6 mapping samples. The profile gives the decoder and the LR faces.
model = dict(_delete_=True, type='PULSE', **{key: _base_.model[key] for key in (
    'decoder', 'decoder_checkpoint', 'decoder_checkpoint_prefix', 'data_preprocessor')})
train_dataloader = train_cfg = optim_wrapper = param_scheduler = None
val_dataloader = val_cfg = val_evaluator = None
test_dataloader = dict(batch_size=16)  # faces searched together (independently)
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
