default_scope = 'dapfsr'

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=1000, by_epoch=False, max_keep_ckpts=3,
                    save_last=True),
    sampler_seed=dict(type='DistSamplerSeedHook'),
)

# LR / bicubic / output / ground truth of each validation and test run's first batch;
# GAN configs replace this list with their sample grids.
custom_hooks = [dict(type='ResultGridHook')]

# Every grid (ResultGridHook, SampleGridHook, the one-shot loop's, OneShotAdaptationHook's) and the scalars
# LoggerHook logs go to each of these backends. FaceSRLocalVisBackend writes the grids where
# they are documented (grids/val_iter_<n>.png, samples/iter_<n>.png, grid_<mode>_<split>.png,
# ... in the work dir) and the config and scalars to <work_dir>/<timestamp>/vis_data, as
# mmengine's LocalVisBackend does. TensorBoard as well (pip install -e '.[tensorboard]'; event
# files in <work_dir>/<timestamp>/vis_data, `tensorboard --logdir <work_dir>`), here or in a
# config that inherits this one (a list replaces the inherited one whole):
#   visualizer = dict(vis_backends=[dict(type='FaceSRLocalVisBackend'),
#                                   dict(type='TensorboardVisBackend')])
visualizer = dict(type='FaceSRVisualizer', vis_backends=[dict(type='FaceSRLocalVisBackend')])

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),
)

log_processor = dict(type='LogProcessor', window_size=50, by_epoch=False)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, deterministic=False)
