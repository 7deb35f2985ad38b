# Main job with the committed small-profile model (checkpoints/dapfsr_small_celebahq.pth,
# CelebA-HQ, 16 -> 64): DAMMA one-shot adaptation to the demo's target domain
# ($DAPFSR_DEMO_DATA/target/<condition>/), evaluated by the one-shot protocol: per
# condition, one exemplar face, the others are the test set. Faces are made exactly as
# in configs/dapfsr/adapt_celeba_hq2yaleb_small.py (the face at 128 px, random affine,
# MATLAB bicubic to 16 px; ground truth at 64 px).
_base_ = ['../dapfsr/adapt_celeba_hq2yaleb_small.py']

benchmark_name = 'demo: source -> target (small profile)'
demo_target_dataset = dict(type='ImageFolderDataset',
                           data_root='{{$DAPFSR_DEMO_DATA:work_dirs/demo/data}}/target',
                           test_mode=True, pipeline={{_base_.target_pipeline}},
                           every_image_own_subject=True)  # the demo writes one face per person and split
one_shot_protocol = dict(_delete_=True, type='OneShotProtocol', dataset=demo_target_dataset,
                         num_exemplars=1, exemplar_seeds=[0])
test_dataloader = dict(dataset=dict(demo_target_dataset, _delete_=True))
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
