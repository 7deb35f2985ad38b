# Main-job demo, stage 1: a tiny 32 px StyleGAN2 decoder trained for minutes on the demo's
# source faces (tools/demo.py writes them under $DAPFSR_DEMO_DATA/source).
_base_ = ['../_base_/models/stylegan2_small.py', '../_base_/default_runtime.py']

demo_data = '{{$DAPFSR_DEMO_DATA:work_dirs/demo/data}}'
hr_size = 32
channels = {4: 64, 8: 64, 16: 32, 32: 16}
# the small profile's GAN (configs/_base_/models/stylegan2_small.py), narrower, at 32 px, short EMA
model = dict(
    generator=dict(out_size=hr_size, style_channels=64, channels=dict(channels, _delete_=True)),
    discriminator=dict(in_size=hr_size, channels=dict(channels, _delete_=True)),
    r1_penalty=dict(gamma=0.01),
    ema_config=dict(half_life_kimg=0.5),
    latent_statistics_samples=4000)

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
custom_hooks = [dict(type='SampleGridHook', interval=400, num_samples=16, num_columns=8),
                dict(type='LatentStatisticsHook')]  # mu_w / sigma_w into each checkpoint
