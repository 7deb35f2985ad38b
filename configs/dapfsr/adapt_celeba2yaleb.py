# Deployment stage, paper profile: the DAP-FSR model of configs/dapfsr/celeba.py
# adapted to Extended Yale B by DAMMA (Algorithm 1; Table 2, row F: soft mixing
# weight + constrained adaptation of the AdaIN affines phi).
#   python tools/adapt.py configs/dapfsr/adapt_celeba2yaleb.py CKPT --exemplar-hr HR.png [--exemplar-lr LR.png]
#   python tools/adapt.py configs/dapfsr/adapt_celeba2yaleb.py CKPT --split A+000E+00 --exemplar-seed 0 --test
#   python tools/test.py configs/dapfsr/adapt_celeba2yaleb.py CKPT --one-shot adapt   # 10 splits x 10 exemplars
# CKPT: the encoder training checkpoint of configs/dapfsr/celeba.py.
_base_ = [
    '../_base_/models/dapfsr.py',  # the model of configs/dapfsr/celeba.py
    '../_base_/datasets/yaleb.py',  # target: test set, target_dataset, one_shot_protocol
    '../_base_/adaptation/damma.py',
    '../_base_/default_runtime.py',
]

benchmark_name = 'CelebA -> Extended Yale B'
gray_output = True  # a gray target: tools/infer.py and super_resolve write gray faces
# The trained DAP-FSR checkpoint holds the decoder and the encoder: no separate files.
model = dict(decoder_checkpoint=None, encoder=dict(backbone=dict(pretrained=None)))
train_dataloader = None  # deployment: the source data is not needed
val_dataloader = None
test_evaluator = [
    dict(type='PSNR'),
    dict(type='SSIM'),
    dict(type='LPIPS', backbone_checkpoint='checkpoints/alexnet-owt-7be5be79.pth'),
    dict(type='FIQ', checkpoint='checkpoints/FaceQnet_v1.pth'),
]
test_cfg = dict(type='TestLoop')
