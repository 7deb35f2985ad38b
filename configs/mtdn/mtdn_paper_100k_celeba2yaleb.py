# MTDN, paper profile (mtdn_paper_100k_celeba.py), tested on Extended Yale B without
# adaptation: Table 1's source-only MTDN row. The target faces are made as the source test
# faces (gray replicated to RGB, 128 px HR, 16 px LR under the random affine).
#   python tools/test.py configs/mtdn/mtdn_paper_100k_celeba2yaleb.py CKPT [--one-shot source_only]
_base_ = ['./mtdn_paper_100k_celeba.py', '../_base_/targets/yaleb.py']

test_dataloader = dict(dataset=dict(_base_.target_dataset, pipeline=_base_.test_pipeline, _delete_=True))
benchmark_name = 'CelebA -> Extended Yale B'
# Table 1's metrics, as the other rows (configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py);
# LPIPS, FIQ and IDSim say "not computed" where their weights are absent
test_evaluator = [dict(type='PSNR'), dict(type='SSIM'), dict(type='LPIPS'), dict(type='FIQ'),
                  dict(type='IDSim')]
