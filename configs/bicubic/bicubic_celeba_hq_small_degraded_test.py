# Bicubic on the degraded-LR CelebA-HQ test set of configs/dapfsr/celeba_hq_small_degraded_test.py:
#   python tools/test.py configs/bicubic/bicubic_celeba_hq_small_degraded_test.py
_base_ = ['../dapfsr/celeba_hq_small_degraded_test.py']
model = dict(_delete_=True, type='BicubicUpsampler', out_size=64)
train_dataloader = train_cfg = optim_wrapper = param_scheduler = None
val_dataloader = val_cfg = val_evaluator = None
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]  # no W+ codes to spread
