# Bicubic on the source domain, small profile: MATLAB bicubic 16 -> 64 on the 500
# CelebA-HQ test faces, the same LR faces as configs/dapfsr/dapfsr_small_17k_celeba-hq.py's test. No weights:
#   python tools/test.py configs/bicubic/bicubic_x4_celeba-hq.py
_base_ = ['../dapfsr/dapfsr_small_17k_celeba-hq.py']
model = dict(_delete_=True, type='BicubicUpsampler', out_size=64)
train_dataloader = train_cfg = optim_wrapper = param_scheduler = None
val_dataloader = val_cfg = val_evaluator = None
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]  # no W+ codes to spread
