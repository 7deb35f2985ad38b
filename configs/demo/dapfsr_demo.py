# Main-job demo, stage 2: DAP-FSR's encoder on the demo's source faces, 8 -> 32 (x4),
# with the frozen decoder of stylegan2_demo.py (tools/demo.py passes its file as
# model.decoder_checkpoint). LR faces as in the paper: random affine of the face at
# 128 px, MATLAB bicubic down; the HR target is the face at the decoder's 32 px.
_base_ = ['../_base_/default_runtime.py']

demo_data = '{{$DAPFSR_DEMO_DATA:work_dirs/demo/data}}'
hr_size = 32
scale_lr = 8
decoder = dict(type='StyleGANDecoder', out_size=hr_size, style_channels=64, num_mlps=2,
               channels={4: 64, 8: 64, 16: 32, 32: 16}, lr_mlp=0.01)
model = dict(
    type='DAPFSR',
    encoder=dict(type='DAPEncoder', backbone=dict(type='EfficientNetLite0Backbone', pretrained='shipped'),
                 input_size=hr_size, context_channels=16, ale_channels=32, attention_reduction=8,
                 istn_positions=(0, 1), istn_channels=8),
    decoder=decoder,
    decoder_checkpoint=None,
    perceptual=dict(type='EfficientNetLite0Features', layers=('block0', 'block2', 'block4'),
                    pretrained='shipped'),
    # 1 / variance of each layer, as in configs/_base_/models/dapfsr_small.py
    perceptual_layer_weights=[0.02, 0.01, 0.0125],
    data_preprocessor=dict(type='FaceSRDataPreprocessor', num_channels=3))


def face_pipeline(affine_seed):
    return [dict(type='LoadFaceImage', key='gt', num_channels=3),
            dict(type='CropAndResize', keys=['gt'], size=128),
            dict(type='RandomFaceAffine', preset='moderate', seed=affine_seed),
            dict(type='MatlabResize', keys=['lr'], size=scale_lr),
            dict(type='MatlabResize', keys=['gt'], size=hr_size),
            dict(type='PackFaceInputs')]


train_dataloader = dict(
    batch_size=8,
    num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type='ImageFolderDataset', data_root=demo_data + '/source',
                 pipeline=face_pipeline(None)))
test_pipeline = face_pipeline(0)  # one fixed LR face per test image
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=300)
default_hooks = dict(checkpoint=dict(interval=300), logger=dict(interval=50))
