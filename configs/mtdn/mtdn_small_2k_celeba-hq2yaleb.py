# MTDN, small profile (mtdn_small_2k_celeba-hq.py), tested on Extended Yale B without
# adaptation: Table 1's source-only MTDN row. The target faces are made as the source test
# faces: the 16 px LR face from the 128 px face under the random affine, HR at 64 px.
#   python tools/test.py configs/mtdn/mtdn_small_2k_celeba-hq2yaleb.py CKPT [--one-shot source_only]
_base_ = ['./mtdn_small_2k_celeba-hq.py', '../_base_/targets/yaleb.py',
          '../_base_/evaluation/table1.py']

test_dataloader = dict(dataset=dict(_base_.target_dataset, pipeline=_base_.test_pipeline, _delete_=True))
benchmark_name = 'CelebA-HQ -> Extended Yale B (small profile)'
test_evaluator = _base_.table1_metrics  # Table 1's (configs/_base_/evaluation/table1.py)
