# CPGAN, paper profile, trained on CelebA (cpgan_paper_200k_celeba.py) and tested on
# Extended Yale B without adaptation: Table 1's source-only row. The target faces are made
# as the source test faces (gray replicated to RGB, 128 px HR, 16 px LR); the guide is the
# same CelebA face as in the source test.
#   python tools/test.py configs/cpgan/cpgan_paper_200k_celeba2yaleb.py CKPT [--one-shot source_only]
_base_ = ['./cpgan_paper_200k_celeba.py', '../_base_/targets/yaleb.py',
          '../_base_/evaluation/table1.py']

benchmark_name = 'CelebA -> Extended Yale B'

test_dataloader = dict(dataset=dict(_base_.target_dataset, pipeline=_base_.test_pipeline, _delete_=True))
test_evaluator = _base_.table1_metrics  # Table 1's (configs/_base_/evaluation/table1.py)
