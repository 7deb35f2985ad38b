# MTDN (Yu et al., IJCV 2020), paper profile: aligned CelebA (MTDN's box and attribute filter),
# 16 -> 128 (x8): the STN upsampling generator and its discriminator, MSE + lambda * adversarial,
# RMSprop with MTDN's warm-up and per-epoch decays (docs/baselines.md#mtdn), batch 64 (D: 32
# real + 32 fake, G: 64), 100,000 iterations (about 48 epochs of the ~133k filtered training faces).
#   python tools/train.py configs/mtdn/mtdn_paper_100k_celeba.py
_base_ = [
    '../_base_/models/mtdn.py',
    '../_base_/datasets/celeba.py',  # 16 px LR under the random affine, 128 px HR
    '../_base_/schedules/mtdn.py',
    '../_base_/default_runtime.py',
]

train_dataloader = dict(batch_size=64, drop_last=True)  # the balance rule wants full halves
train_cfg = dict(type='IterBasedTrainLoop', max_iters=100000, val_interval=5000)
val_dataloader = dict(dataset=dict(indices=2000))  # the first 2000 faces of CelebA's val split
val_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(interval=5000, save_best='PSNR', rule='greater'))
custom_hooks = [dict(type='ResultGridHook'), _base_.lambda_decay]
# the balance rule's state as means over the last 50 iterations (update_g: the fraction of
# iterations that trained G), not the last iteration's values
log_processor = dict(custom_cfg=[dict(data_src=key, method_name='mean', window_size=50)
                                 for key in ('err_real', 'err_fake', 'update_d', 'update_g')])
