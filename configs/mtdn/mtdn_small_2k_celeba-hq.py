# MTDN, small profile: CelebA-HQ (8,000 train faces), 16 -> 64 (x4): the paper profile's
# generator without its third upsampling (every layer and both STNs kept; the last two conv
# blocks run at 64 px) and the discriminator at 64 px (4 x 4 x 96 before the FC). Batch 16
# (D: 8 real + 8 fake, G: 16), 2,000 iterations = 4 epochs of 500 iterations.
#   python tools/train.py configs/mtdn/mtdn_small_2k_celeba-hq.py --work-dir work_dirs/mtdn_small
_base_ = [
    '../_base_/models/mtdn.py',
    '../_base_/datasets/celeba_hq_64.py',  # 16 px LR, 64 px HR
    '../_base_/schedules/mtdn.py',
    '../_base_/default_runtime.py',
]

model = dict(generator=dict(upscale=4), discriminator=dict(in_size=64))
train_dataloader = dict(batch_size=16, num_workers=1, drop_last=True)
train_cfg = dict(type='IterBasedTrainLoop', max_iters=2000, val_interval=500)
val_dataloader = dict(num_workers=1, dataset=dict(indices=100))  # the first 100 test faces: short
test_dataloader = dict(num_workers=1)
val_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(interval=500, save_best='PSNR', rule='greater'),
                     logger=dict(interval=20))
custom_hooks = [dict(type='ResultGridHook'), _base_.lambda_decay]
# the balance rule's state as means over the last 50 iterations (update_g: the fraction of
# iterations that trained G), not the last iteration's values
log_processor = dict(custom_cfg=[dict(data_src=key, method_name='mean', window_size=50)
                                 for key in ('err_real', 'err_fake', 'update_d', 'update_g')])
