# DAP-FSR, paper profile (sec. 4.1): ResNet-50 pyramid encoder with ISTNs and
# one ALE per W+ layer, the frozen 128 px StyleGAN2 decoder, the VGG-19
# perceptual loss (relu1_1..relu4_1, equal weights). ImageNet files: put
# torchvision's resnet50-0676ba61.pth and vgg19-dcbb9e9d.pth in checkpoints/.
# Decoder: the EMA generator of `tools/train.py configs/stylegan2/...` (128 px,
# ./stylegan2_paper_decoder.py), copied to decoder_checkpoint.
_base_ = ['./stylegan2_paper_decoder.py']
model = dict(
    type='DAPFSR',
    encoder=dict(
        type='DAPEncoder',
        backbone=dict(type='ResNetBackbone', depth=50,
                      pretrained='checkpoints/resnet50-0676ba61.pth'),
        input_size=128,  # the 16 px face upsampled to the HR size: C3 on the LR grid
        multi_scale=True,  # Table 2, row A
        context_channels=256,
        ale_channels=256,
        attention_reduction=16,
        istn_positions=(0, 1, 2),  # Table 2, row B: image, stride-4 maps (twice)
        istn_channels=32),
    decoder=_base_.stylegan2_paper_decoder,
    decoder_checkpoint='checkpoints/stylegan2_celeba128.pth',
    decoder_checkpoint_prefix='generator_ema',  # the EMA generator of the GAN checkpoint
    perceptual=dict(type='VGG19Features', layers=('relu1_1', 'relu2_1', 'relu3_1', 'relu4_1'),
                    pretrained='checkpoints/vgg19-dcbb9e9d.pth'),
    offset_scale=True,  # Table 2, row C (Eq. 2)
    pixel_loss_weight=1.0,  # Eq. 5: L_mse + L_percept
    perceptual_loss_weight=1.0,
    data_preprocessor=dict(type='FaceSRDataPreprocessor', num_channels=3))
