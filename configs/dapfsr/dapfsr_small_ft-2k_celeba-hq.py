# A short fine-tuning run from the committed small checkpoint, the control of the encoder
# levers of configs/dapfsr/README.md ("An encoder that reads the target"): 2,000 iterations
# of 8 faces at lr 1e-4, x0.1 from 1,500 (the schedule's settling phase), otherwise the
# training of dapfsr_small_17k_celeba-hq.py. Each lever config changes one thing from here.
#   python tools/train.py configs/dapfsr/dapfsr_small_ft-2k_celeba-hq.py
_base_ = ['./dapfsr_small_17k_celeba-hq.py']

load_from = 'checkpoints/dapfsr_small_celebahq.pth'
optim_wrapper = dict(optimizer=dict(lr=1e-4))
param_scheduler = [dict(type='MultiStepLR', by_epoch=False, milestones=[1500], gamma=0.1)]
train_cfg = dict(max_iters=2000, val_interval=1000)
