# CPGAN, paper profile: aligned CelebA (MTDN's box and attribute filter), 16 -> 128 (x8),
# CPGAN's full widths (C 256, M 128, hourglass 256 x depth 4 at 64 px, tail 32), VGG-19
# relu3_1 L1 features, batch 4, Adam (0.5, 0.999), lr 1e-4 x 0.99 every 2,000 iterations:
# 200,000 iterations, i.e. the source's 100 decays of 0.99 over one run (README).
#   python tools/dataset_converters/face_landmarks.py configs/cpgan/cpgan_paper_200k_celeba.py
#   python tools/train.py configs/cpgan/cpgan_paper_200k_celeba.py [--resume]
# Needs checkpoints/vgg19-dcbb9e9d.pth (torchvision's ImageNet VGG-19); see configs/cpgan/README.md.
_base_ = ['../_base_/models/cpgan.py', '../_base_/datasets/celeba.py', '../_base_/default_runtime.py']

landmarks_file = '{{$DAPFSR_LANDMARKS_ROOT:../landmarks}}/celeba_train.npz'
# the test-time guide: CelebA's first aligned face, in the MTDN box the training faces use
test_guide = '{{$DAPFSR_DATA_ROOT:../shared/data}}/celeba/img_align_celeba/000001.jpg'
test_guide_crop_box = (54, 34, 133, 107)  # CelebADataset.MTDN_CROP_BOX

# the paper profile's faces, plus the HR face's landmarks (through the dataset's crop box)
train_pipeline = [*_base_.train_pipeline[:-1], dict(type='LoadFaceLandmarks', landmarks_file=landmarks_file),
                  _base_.train_pipeline[-1]]

model = dict(test_guide=test_guide, test_guide_crop_box=test_guide_crop_box)

param_scheduler = [dict(type='StepLR', by_epoch=False, step_size=2000, gamma=0.99)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=200000, val_interval=10000)

train_dataloader = dict(batch_size=4, drop_last=True, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(indices=2000))  # the first 2000 faces of CelebA's val split
val_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(interval=5000, max_keep_ckpts=3, save_best='PSNR', rule='greater'))
