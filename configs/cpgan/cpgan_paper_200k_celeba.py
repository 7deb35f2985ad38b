# CPGAN, paper profile: aligned CelebA (MTDN's box and attribute filter), 16 -> 128 (x8),
# CPGAN's full widths (C 256, M 128, hourglass 256 x depth 4 at 64 px, tail 32), VGG-19
# relu3_1 L1 features, batch 4, Adam (0.5, 0.999), lr 1e-4 x 0.99 every 2,000 iterations:
# 200,000 iterations, i.e. the source's 100 decays of 0.99 over one run (README).
#   python tools/dataset_converters/face_landmarks.py configs/cpgan/cpgan_paper_200k_celeba.py
#   python tools/train.py configs/cpgan/cpgan_paper_200k_celeba.py [--resume]
# Needs checkpoints/vgg19-dcbb9e9d.pth (torchvision's ImageNet VGG-19); see configs/cpgan/README.md.
_base_ = ['../_base_/datasets/celeba.py', '../_base_/default_runtime.py']

landmarks_file = '{{$DAPFSR_LANDMARKS_ROOT:../landmarks}}/celeba_train.npz'
# the test-time guide: CelebA's first aligned face, in the MTDN box the training faces use
test_guide = '{{$DAPFSR_DATA_ROOT:../shared/data}}/celeba/img_align_celeba/000001.jpg'
test_guide_crop_box = (54, 34, 133, 107)  # CelebADataset.MTDN_CROP_BOX

# the paper profile's faces, plus the HR face's landmarks (through the dataset's crop box)
train_pipeline = _base_.train_pipeline[:-1] + [
    dict(type='LoadFaceLandmarks', landmarks_file=landmarks_file),
    dict(type='PackFaceInputs',
         meta_keys=('img_path', 'img_key', 'sample_idx', 'domain', 'subject', 'condition', 'ori_shape',
                    'affine', 'degradation', 'gt_landmarks', 'gt_landmarks_detected')),
]

model = dict(
    type='CPGAN',
    generator=dict(type='CPGANGenerator', upscale_factor=8, channels=256, mid_channels=128,
                   landmark_channels=256, hourglass_depth=4, tail_channels=32, attention_reduction=16),
    discriminator=dict(type='CPGANDiscriminator', in_size=128, channels=(64, 128, 256, 512)),
    # the source's VGG-19 features[:12], up to relu3_1
    perceptual=dict(type='VGG19Features', layers=('relu3_1', ), pretrained='checkpoints/vgg19-dcbb9e9d.pth'),
    gan_loss=dict(type='LeastSquaresGANLoss'),
    test_guide=test_guide,
    test_guide_crop_box=test_guide_crop_box,
    pixel_loss_weight=1.0,
    style_loss_weight=1e-2,
    adversarial_loss_weight=1e-1,
    perceptual_loss_weight=1e-2,
    heatmap_loss_weight=10 / 68,  # 10 x MSE / 68, as the source writes it
    guide_loss=True,
    style_reference='gt',  # no shading pairs in CelebA: the HR face is its own normal light
    heatmap_sigma=1.0,
    data_preprocessor=dict(type='FaceSRDataPreprocessor', num_channels=3))

optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    generator=dict(optimizer=dict(type='Adam', lr=1e-4, betas=(0.5, 0.999))),
    discriminator=dict(optimizer=dict(type='Adam', lr=1e-4, betas=(0.5, 0.999))))
param_scheduler = [dict(type='StepLR', by_epoch=False, step_size=2000, gamma=0.99)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=200000, val_interval=10000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

train_dataloader = dict(batch_size=4, drop_last=True, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(indices=2000))  # the first 2000 faces of CelebA's val split
val_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(interval=5000, max_keep_ckpts=3, save_best='PSNR', rule='greater'))
