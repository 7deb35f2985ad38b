# RAIN (ASM's style network), paper profile: VGG-19 relu1_1..relu4_1, content = aligned CelebA
# training faces at 128 px (MTDN's box, as configs/_base_/datasets/celeba.py), style = other
# CelebA training faces under the small profile's photometric jitter; batch 8, 160,000
# iterations, Adam 1e-4 with lr / (1 + 5e-5 iter) (RAIN's train.py). Needs
# checkpoints/vgg19-dcbb9e9d.pth (torchvision's ImageNet VGG-19), see configs/rain/README.md.
#   python tools/train.py configs/rain/rain_paper_160k_celeba.py --work-dir work_dirs/rain_paper [--resume]
_base_ = ['../_base_/models/rain.py', '../_base_/datasets/celeba.py', '../_base_/default_runtime.py']

size = 128
yaleb_root = '{{$DAPFSR_DATA_ROOT:../shared/data}}/CroppedYale'
exemplar = yaleb_root + '/yaleB11/yaleB11_P00A+050E+00.pgm'

content_pipeline = [
    dict(type='LoadFaceImage', key='gt', num_channels=3),
    dict(type='CropAndResize', keys=['gt'], size=size),  # the dataset's MTDN box
    dict(type='RandomHorizontalFlip', keys=['gt']),
    dict(type='PackFaceInputs'),
]
style_pipeline = [*content_pipeline[:-1], dict(type='RandomPhotometricJitter', key='gt'), content_pipeline[-1]]
faces = dict(_base_.celeba, split='train')
train_dataloader = dict(
    batch_size=8,
    sampler=dict(_delete_=True, type='InfiniteSampler', shuffle=True),
    dataset=dict(_delete_=True, type='ContentStyleDataset', content=dict(faces, pipeline=content_pipeline),
                 style=dict(faces, pipeline=style_pipeline)))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=160000)
val_dataloader = val_cfg = val_evaluator = None
test_dataloader = test_cfg = test_evaluator = None

default_hooks = dict(checkpoint=dict(interval=1000, max_keep_ckpts=2), logger=dict(interval=50))
# rows: the first 4 CelebA test faces, in the training faces' MTDN box (CelebADataset.MTDN_CROP_BOX)
custom_hooks = [dict(type='StyleGridHook', exemplar=exemplar, size=size, interval=1000,
                     content_crop_box=(54, 34, 133, 107),
                     content=[_base_.celeba.data_root + f'/img_align_celeba/{i:06d}.jpg'
                              for i in range(182638, 182642)])]
