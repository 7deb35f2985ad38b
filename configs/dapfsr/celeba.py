# DAP-FSR encoder training on CelebA, the paper profile (procurement, stage 2): the command
# this toolbox is used by,
#   python tools/train.py configs/dapfsr/celeba.py
# It is configs/dapfsr/dapfsr_paper_100k_celeba.py under its short name: aligned CelebA
# (MTDN's crop and attribute filter) in $DAPFSR_DATA_ROOT/celeba, 16 -> 128 (x8), ResNet-50
# encoder, the frozen 128 px StyleGAN2 decoder checkpoints/stylegan2_celeba128.pth (stage 1:
# python tools/train.py configs/stylegan2/stylegan2_celeba128.py), VGG-19 perceptual loss
# (checkpoints/vgg19-dcbb9e9d.pth, checkpoints/resnet50-0676ba61.pth: torchvision's ImageNet
# files). On a laptop: configs/dapfsr/dapfsr_small_17k_celeba-hq.py (configs/dapfsr/README.md).
_base_ = ['./dapfsr_paper_100k_celeba.py']
