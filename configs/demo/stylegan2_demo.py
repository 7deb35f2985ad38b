# Main-job demo, stage 1: a tiny 32 px StyleGAN2 decoder trained for minutes on the demo's
# source faces (tools/demo.py writes them under $DAPFSR_DEMO_DATA/source).
_base_ = ['../_base_/default_runtime.py']

demo_data = '{{$DAPFSR_DEMO_DATA:work_dirs/demo/data}}'
hr_size = 32
channels = {4: 64, 8: 64, 16: 32, 32: 16}
decoder = dict(type='StyleGANDecoder', out_size=hr_size, style_channels=64, num_mlps=2,
               channels=channels, lr_mlp=0.01)
d_reg_interval = 16
d_c = d_reg_interval / (d_reg_interval + 1)  # lazy regularization: lr * c, beta ** c

model = dict(
    type='StyleGAN2',
    data_preprocessor=dict(type='FaceSRDataPreprocessor'),
    generator=decoder,
    discriminator=dict(type='StyleGAN2Discriminator', in_size=hr_size, channels=channels),
    gan_loss=dict(type='NonSaturatingLogisticLoss'),
    r1_penalty=dict(type='R1GradientPenalty', gamma=0.01, interval=d_reg_interval),
    path_length=None,
    mixing_prob=0.9,
    ema_kimg=0.5,
    ema_rampup=0.05,
    latent_statistics_samples=4000)
optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    generator=dict(optimizer=dict(type='Adam', lr=0.0025, betas=(0., 0.99))),
    discriminator=dict(optimizer=dict(type='Adam', lr=0.0025 * d_c, betas=(0., 0.99 ** d_c))))

train_dataloader = dict(
    batch_size=8,
    num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type='ImageFolderDataset', data_root=demo_data + '/source',
                 pipeline=[dict(type='LoadFaceImage', key='gt', num_channels=3),
                           dict(type='CropAndResize', keys=['gt'], size=hr_size),
                           dict(type='PackFaceInputs')]))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=400)
default_hooks = dict(checkpoint=dict(interval=400), logger=dict(interval=50))
custom_hooks = [dict(type='SampleGridHook', interval=400, num_samples=16, num_columns=8)]
