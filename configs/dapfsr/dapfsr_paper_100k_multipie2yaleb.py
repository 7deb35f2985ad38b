# Table 1, Multi-PIE -> Extended Yale B: DAP-FSR's source-only row, paper profile. The source model
# dapfsr_paper_100k_multipie.py tested on Extended Yale B without adaptation, the target faces made as
# its test faces (gray replicated to RGB, 128 px HR, 16 px LR), as in dapfsr_paper_100k_celeba2yaleb.py.
#   python tools/test.py configs/dapfsr/dapfsr_paper_100k_multipie2yaleb.py CKPT [--one-shot source_only]
_base_ = ['./dapfsr_paper_100k_multipie.py', '../_base_/targets/yaleb.py',
          '../_base_/evaluation/table1.py']

test_dataloader = dict(dataset=dict(_base_.target_dataset, pipeline=_base_.test_pipeline, _delete_=True))
benchmark_name = 'Multi-PIE -> Extended Yale B'
test_evaluator = _base_.table1_metrics  # Table 1's (configs/_base_/evaluation/table1.py)
