# PULSE, paper profile: latent search through the 128 px StyleGAN2 decoder of
# configs/_base_/models/dapfsr.py (checkpoints/stylegan2_celeba128.pth, the EMA generator of
# configs/stylegan2/stylegan2_celeba128.py) for the 16 px LR faces of the aligned CelebA test
# split of configs/dapfsr/dapfsr_paper_100k_celeba.py. No training, no weights of its own:
#   python tools/test.py configs/pulse/pulse_paper_100_celeba.py
# A public StyleGAN2 generator (rosinality's g_ema, mmagic) works as well: set model.decoder to
# its architecture, model.decoder_checkpoint to the file and model.out_size=128 when it draws
# another size (configs/pulse/README.md).
_base_ = ['../dapfsr/dapfsr_paper_100k_celeba.py']

model = dict(
    _delete_=True,
    type='PULSE',
    decoder=_base_.model.decoder,
    decoder_checkpoint=_base_.model.decoder_checkpoint,
    decoder_checkpoint_prefix=_base_.model.decoder_checkpoint_prefix,
    steps=100,
    optimizer=dict(type='Adam', lr=0.4),
    l2_weight=100.0,
    geocross_weight=0.05,
    eps=2e-3,
    # StyleGAN2 layout at 128 px (4, 8, 8, 16, 16, ..., 128, 128): PULSE's trained maps
    # (all up to 8 px, the first at 16 px) are the first 4; the last (128 px) is zeroed
    num_trainable_noises=4,
    zeroed_noises=(-1, ),
    seed=0,
    gaussian_fit_samples=1_000_000,
    data_preprocessor=_base_.model.data_preprocessor)
train_dataloader = train_cfg = optim_wrapper = param_scheduler = None
val_dataloader = val_cfg = val_evaluator = None
test_dataloader = dict(batch_size=16)
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
