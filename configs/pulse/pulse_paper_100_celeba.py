# PULSE, paper profile: latent search through the 128 px StyleGAN2 decoder of
# configs/_base_/models/dapfsr.py (checkpoints/stylegan2_celeba128.pth, the EMA generator of
# configs/stylegan2/stylegan2_celeba128.py) for the 16 px LR faces of the aligned CelebA test
# split of configs/dapfsr/dapfsr_paper_100k_celeba.py. No training, no weights of its own:
#   python tools/test.py configs/pulse/pulse_paper_100_celeba.py
# A public StyleGAN2 generator (rosinality's g_ema, mmagic) works as well: set model.decoder to
# its architecture, model.decoder_checkpoint to the file and model.out_size=128 when it draws
# another size (configs/pulse/README.md).
_base_ = ['../dapfsr/dapfsr_paper_100k_celeba.py']

# PULSE's own settings are the model's defaults (configs/pulse/pulse_small_100_celeba-hq.py says which).
model = dict(_delete_=True, type='PULSE', **{key: _base_.model[key] for key in (
    'decoder', 'decoder_checkpoint', 'decoder_checkpoint_prefix', 'data_preprocessor')})
train_dataloader = train_cfg = optim_wrapper = param_scheduler = None
val_dataloader = val_cfg = val_evaluator = None
test_dataloader = dict(batch_size=16)
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
