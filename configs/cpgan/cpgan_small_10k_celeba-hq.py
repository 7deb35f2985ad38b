# CPGAN, small profile (2-core CPU): CelebA-HQ (8,000 train faces), 16 -> 64 (x4), the
# generator at a quarter of CPGAN's widths (C 64, M 32, hourglass 64 x depth 3, tail 16),
# the landmark branch at 32 px, EfficientNet-Lite0 perceptual features, batch 4 (the
# source's), lr 1e-4 x 0.99 per epoch (2,000 iterations), 10,000 iterations = 5 epochs.
#   python tools/dataset_converters/face_landmarks.py configs/cpgan/cpgan_small_10k_celeba-hq.py
#   python tools/train.py configs/cpgan/cpgan_small_10k_celeba-hq.py [--resume]
# See configs/cpgan/README.md for the choices where the source is silent.
_base_ = ['../_base_/models/cpgan.py', '../_base_/datasets/celeba_hq_64.py', '../_base_/default_runtime.py']

# the 68-point landmarks of the training faces (tools/dataset_converters/face_landmarks.py
# writes them once; $DAPFSR_LANDMARKS_ROOT, default ../landmarks: outside the checkout)
landmarks_file = '{{$DAPFSR_LANDMARKS_ROOT:../landmarks}}/celeba_hq_128_train.npz'
# the test-time guide (a frontal, evenly lit training face; any face file will do)
test_guide = '{{$DAPFSR_DATA_ROOT:../shared/data}}/celeba_hq_128/train/07289.jpg'

# the small profile's faces, plus the HR face's landmarks (after its last resize and flip)
train_pipeline = [*_base_.train_pipeline[:-1], dict(type='LoadFaceLandmarks', landmarks_file=landmarks_file),
                  _base_.train_pipeline[-1]]

model = dict(
    # a quarter of CPGAN's widths (256 / 128 / 256 / 32): the full width costs ~10x the time
    # per iteration on a CPU (README), most of it in the cross-attention at 32 px
    generator=dict(upscale_factor=4, channels=64, mid_channels=32, landmark_channels=64, hourglass_depth=3,
                   tail_channels=16),
    discriminator=dict(in_size=64, channels=(32, 64, 128, 256)),
    # the stride-4 stage end of Lite0, where VGG-19's relu3_1 (the source's layer) sits
    perceptual=dict(_delete_=True, type='EfficientNetLite0Features', layers=('block2', ), pretrained='shipped'),
    # 1 / std of block2's features on CelebA-HQ faces (10.0): a relative L1 error. Unscaled it is
    # 2.6x the pixel term on bicubic outputs, where the source's VGG term is a small correction
    perceptual_layer_weights=[0.1],
    test_guide=test_guide)

iters_per_epoch = 2000  # 8,000 faces / batch 4
param_scheduler = [dict(type='StepLR', by_epoch=False, step_size=iters_per_epoch, gamma=0.99)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=10000, val_interval=2000)

train_dataloader = dict(batch_size=4, num_workers=1, drop_last=True, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(num_workers=1, dataset=dict(indices=100))  # the first 100 test faces: short
test_dataloader = dict(num_workers=1)
val_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(interval=1000, max_keep_ckpts=3, save_best='PSNR', rule='greater'),
                     logger=dict(interval=20))
