# MTDN's schedules (docs/baselines.md#mtdn-optimizer-and-schedules), for both networks,
# counted in iterations with mmengine's schedulers; an epoch is len(train_dataloader)
# iterations (the training set over the batch size; MTDN's own: 29,952 pairs / 64 = 468):
# - warm-up: lr / 50 for the first 50 updates, lr / 5 up to 100 (mmengine 0.10.7's ConstantLR
#   gives the full value back at step end - 1, hence end = 51 and 101);
# - lr = max(1e-3 * 0.99 ** epoch, 1e-6): x0.99 at every epoch start, the last at epoch 687
#   (1e-3 * 0.99 ** 688 < 1e-6);
# - lambda = max(0.01 * 0.99 ** epoch, 0.005): the model's adversarial_weight, set before
#   every iteration by LossWeightDecayHook (add `lambda_decay` to a config's custom_hooks).
# The warm-up counts iterations, also those where the balance rule skipped a network.
param_scheduler = [
    dict(type='ConstantLR', factor=1 / 50, begin=0, end=51, by_epoch=False),
    dict(type='ConstantLR', factor=1 / 5, begin=50, end=101, by_epoch=False),
    dict(type='StepLR', step_size=1, gamma=0.99, begin=0, end=688, by_epoch=True,
         convert_to_iter_based=True),
]
lambda_decay = dict(type='LossWeightDecayHook', attribute='adversarial_weight', gamma=0.99,
                    minimum=0.005)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
