# Table 1, CelebA -> Multi-PIE: PULSE's source-only row, paper profile. The source model
# pulse_paper_100_celeba.py tested on CMU Multi-PIE without adaptation, the target faces made as
# its test faces (128 px HR, 16 px LR), as in pulse_paper_100_celeba2yaleb.py.
#   python tools/test.py configs/pulse/pulse_paper_100_celeba2multipie.py --one-shot source_only \
#       --cfg-options "one_shot_protocol.exemplar_seeds=[0]"
_base_ = ['./pulse_paper_100_celeba.py', '../_base_/targets/multipie.py',
          '../_base_/evaluation/table1.py']

test_dataloader = dict(dataset=dict(_base_.target_dataset, pipeline=_base_.test_pipeline, _delete_=True))
benchmark_name = 'CelebA -> Multi-PIE'
test_evaluator = _base_.table1_metrics  # Table 1's (configs/_base_/evaluation/table1.py)
