# DAP-FSR encoder training, paper profile: aligned CelebA (MTDN's crop and
# filter), 16 -> 128 (x8), ResNet-50 encoder, frozen 128 px StyleGAN2 decoder,
# L = L_mse + L_percept (VGG-19), Adam 1e-4, batch 16, 100k iterations.
#   python tools/train.py configs/dapfsr/dapfsr_paper_100k_celeba.py
# Needs checkpoints/{resnet50-0676ba61.pth, vgg19-dcbb9e9d.pth,
# stylegan2_celeba128.pth}; see configs/dapfsr/README.md.
_base_ = [
    '../_base_/models/dapfsr.py',
    '../_base_/datasets/celeba.py',
    '../_base_/schedules/dapfsr_100k.py',
    '../_base_/default_runtime.py',
]

val_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(interval=5000, save_best='PSNR', rule='greater'))
val_dataloader = dict(dataset=dict(indices=2000))  # the first 2000 faces of CelebA's val split
