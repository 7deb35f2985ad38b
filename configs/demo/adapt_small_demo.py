# Main job with the committed small-profile model (checkpoints/dapfsr_small_celebahq.pth,
# CelebA-HQ, 16 -> 64): DAMMA one-shot adaptation to the demo's target domain
# ($DAPFSR_DEMO_DATA/target/<condition>/), evaluated by the one-shot protocol: per
# condition, one exemplar face, the others are the test set. Faces are made exactly as
# in configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py (the face at 128 px, random affine,
# MATLAB bicubic to 16 px; ground truth at 64 px).
_base_ = ['../dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py']

benchmark_name = 'demo: source -> target (small profile)'
# the one-shot protocol draws its tasks from this test set
test_dataloader = dict(dataset=dict(_delete_=True, type='ImageFolderDataset',
                                    data_root='{{$DAPFSR_DEMO_DATA:work_dirs/demo/data}}/target',
                                    test_mode=True, pipeline=_base_.test_pipeline,
                                    every_image_own_subject=True))  # one face per person and split
one_shot_protocol = dict(exemplar_seeds=[0])
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
