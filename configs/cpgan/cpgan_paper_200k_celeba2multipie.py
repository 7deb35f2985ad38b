# Table 1, CelebA -> Multi-PIE: CPGAN's source-only row, paper profile. The source model
# cpgan_paper_200k_celeba.py tested on CMU Multi-PIE without adaptation, the target faces made as
# its test faces (128 px HR, 16 px LR), as in cpgan_paper_200k_celeba2yaleb.py.
#   python tools/test.py configs/cpgan/cpgan_paper_200k_celeba2multipie.py CKPT [--one-shot source_only]
_base_ = ['./cpgan_paper_200k_celeba.py', '../_base_/targets/multipie.py',
          '../_base_/evaluation/table1.py']

test_dataloader = dict(dataset=dict(_base_.target_dataset, pipeline=_base_.test_pipeline, _delete_=True))
benchmark_name = 'CelebA -> Multi-PIE'
test_evaluator = _base_.table1_metrics  # Table 1's (configs/_base_/evaluation/table1.py)
