# MTDN, paper profile (mtdn_paper_100k_celeba.py), tested on Extended Yale B without
# adaptation: Table 1's source-only MTDN row. The target faces are made as the source test
# faces (gray replicated to RGB, 128 px HR, 16 px LR under the random affine).
#   python tools/test.py configs/mtdn/mtdn_paper_100k_celeba2yaleb.py CKPT [--one-shot source_only]
_base_ = ['./mtdn_paper_100k_celeba.py', '../_base_/targets/yaleb.py',
          '../_base_/evaluation/table1.py']

test_dataloader = dict(dataset=dict(_base_.target_dataset, pipeline=_base_.test_pipeline, _delete_=True))
benchmark_name = 'CelebA -> Extended Yale B'
test_evaluator = _base_.table1_metrics  # Table 1's (configs/_base_/evaluation/table1.py)
