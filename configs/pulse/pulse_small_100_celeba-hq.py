# PULSE (Menon et al., CVPR 2020), small profile: latent search through the committed 64 px
# decoder (the decoder of configs/_base_/models/dapfsr_small.py, the same file DAP-FSR's small
# model uses) for each 16 px LR face of the CelebA-HQ test set of
# configs/dapfsr/dapfsr_small_17k_celeba-hq.py (the same LR faces). No training, no weights:
#   python tools/test.py configs/pulse/pulse_small_100_celeba-hq.py \
#       [--cfg-options test_dataloader.dataset.indices=100]
# About 1.2 s per face at batch 16 on one CPU thread, 500 faces in 16 min (configs/pulse/README.md).
_base_ = ['../dapfsr/dapfsr_small_17k_celeba-hq.py']

model = dict(
    _delete_=True,
    type='PULSE',
    decoder=_base_.model.decoder,
    decoder_checkpoint=_base_.model.decoder_checkpoint,
    decoder_checkpoint_prefix=_base_.model.decoder_checkpoint_prefix,
    steps=100,  # PULSE's default; "100" in the file name
    optimizer=dict(type='Adam', lr=0.4),
    l2_weight=100.0,  # loss = 100 * L2 + 0.05 * GEOCROSS
    geocross_weight=0.05,
    eps=2e-3,  # PULSE's (images in [0, 1], as our loss computes them)
    # PULSE trains StyleGAN v1's maps 4, 4, 8, 8, 16 and zeroes the last: in our StyleGAN2
    # layout (4, 8, 8, 16, 16, 32, 32, 64, 64) the same maps are the first 4
    num_trainable_noises=4,
    zeroed_noises=(-1, ),
    seed=0,  # face k (its index in the test set) starts from seed + k
    gaussian_fit_samples=1_000_000,  # PULSE's; ~20 s once per run here
    data_preprocessor=_base_.model.data_preprocessor)
train_dataloader = train_cfg = optim_wrapper = param_scheduler = None
val_dataloader = val_cfg = val_evaluator = None
test_dataloader = dict(batch_size=16)  # faces searched together (independently)
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
