# Table 1, "PULSE" source-only row, paper profile: pulse_paper_100_celeba.py on the Extended
# Yale B faces of the one-shot protocol (gray replicated to RGB, 128 px HR, 16 px LR):
#   python tools/test.py configs/pulse/pulse_paper_100_celeba2yaleb.py --one-shot source_only \
#       --cfg-options "one_shot_protocol.exemplar_seeds=[0]"
_base_ = ['./pulse_paper_100_celeba.py', '../_base_/targets/yaleb.py',
          '../_base_/evaluation/table1.py']

test_dataloader = dict(dataset=dict(_base_.target_dataset, pipeline=_base_.test_pipeline, _delete_=True))
benchmark_name = 'CelebA -> Extended Yale B'
test_evaluator = _base_.table1_metrics  # Table 1's (configs/_base_/evaluation/table1.py)
