# MTDN, small profile (mtdn_small_2k_celeba-hq.py), tested on Extended Yale B without
# adaptation: Table 1's source-only MTDN row. The target faces are made as the source test
# faces: the 16 px LR face from the 128 px face under the random affine, HR at 64 px.
#   python tools/test.py configs/mtdn/mtdn_small_2k_celeba-hq2yaleb.py CKPT [--one-shot source_only]
_base_ = ['./mtdn_small_2k_celeba-hq.py', '../_base_/targets/yaleb.py']

test_dataloader = dict(dataset=dict(_base_.target_dataset, pipeline=_base_.test_pipeline, _delete_=True))
benchmark_name = 'CelebA-HQ -> Extended Yale B (small profile)'
# Table 1's metrics, as the other rows (configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py);
# LPIPS, FIQ and IDSim say "not computed" where their weights are absent
test_evaluator = [dict(type='PSNR'), dict(type='SSIM'), dict(type='LPIPS'), dict(type='FIQ'),
                  dict(type='IDSim')]
