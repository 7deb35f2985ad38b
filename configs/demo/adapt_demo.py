# Main-job demo, stage 3: DAMMA one-shot adaptation of dapfsr_demo.py's model to the
# demo's target domain ($DAPFSR_DEMO_DATA/target/<condition>/), evaluated by the
# one-shot protocol: per condition, one exemplar face, the others are the test set.
_base_ = ['./dapfsr_demo.py', '../_base_/adaptation/damma.py']

benchmark_name = 'demo: source -> target'
model = dict(decoder_checkpoint=None, encoder=dict(backbone=dict(pretrained=None)))
adaptation = dict(
    outer_iters=2,
    inner_iters=10,
    batch_size=4,
    log_interval=10,
    degradation=[dict(type='MatlabResize', keys=['gt'], size=128),
                 dict(type='RandomFaceAffine', preset='moderate', seed=None),
                 dict(type='MatlabResize', keys=['lr'], size={{_base_.scale_lr}})])
train_dataloader = train_cfg = optim_wrapper = None
# the one-shot protocol draws its tasks from this test set (and the loop takes its batch size)
test_dataloader = dict(batch_size=16, num_workers=0,
                       dataset=dict(type='ImageFolderDataset',
                                    data_root='{{$DAPFSR_DEMO_DATA:work_dirs/demo/data}}/target',
                                    test_mode=True, pipeline=_base_.test_pipeline,
                                    every_image_own_subject=True))  # one face per person and split
one_shot_protocol = dict(type='OneShotProtocol', exemplar_seeds=[0])
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
