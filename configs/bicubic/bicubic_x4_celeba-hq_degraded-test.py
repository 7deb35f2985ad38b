# Bicubic on the degraded-LR CelebA-HQ test set of configs/dapfsr/dapfsr_small_17k_celeba-hq_degraded-test.py:
#   python tools/test.py configs/bicubic/bicubic_x4_celeba-hq_degraded-test.py
_base_ = ['../dapfsr/dapfsr_small_17k_celeba-hq_degraded-test.py']
model = dict(_delete_=True, type='BicubicUpsampler', out_size=64)
train_dataloader = train_cfg = optim_wrapper = param_scheduler = None
val_dataloader = val_cfg = val_evaluator = None
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]  # no W+ codes to spread
