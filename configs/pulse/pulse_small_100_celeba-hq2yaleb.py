# Table 1, "PULSE" source-only row, small profile: pulse_small_100_celeba-hq.py on the
# Extended Yale B faces of the one-shot protocol (the same tasks as DAP-FSR's rows), made as
# the source test faces (gray replicated to RGB, 64 px HR, 16 px LR). No weights:
#   python tools/test.py configs/pulse/pulse_small_100_celeba-hq2yaleb.py --one-shot source_only \
#       --cfg-options "one_shot_protocol.exemplar_seeds=[0]"
# PULSE does not adapt: an exemplar seed only changes which subject's face leaves the test
# set, so one seed per split makes the row (configs/pulse/README.md).
_base_ = ['./pulse_small_100_celeba-hq.py', '../_base_/targets/yaleb.py',
          '../_base_/evaluation/table1.py']

test_dataloader = dict(dataset=dict(_base_.target_dataset, pipeline=_base_.test_pipeline, _delete_=True))
benchmark_name = 'CelebA-HQ -> Extended Yale B (small profile)'
test_evaluator = _base_.table1_metrics  # Table 1's (configs/_base_/evaluation/table1.py)
