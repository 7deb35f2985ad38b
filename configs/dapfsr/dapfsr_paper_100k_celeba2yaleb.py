# Table 2, row C (+ predict offset scale) = the full DAP-FSR network of
# dapfsr_paper_100k_celeba.py; trained on CelebA, tested on Extended Yale B without
# adaptation ("source only", also Table 1's source-only row), the target faces made as
# the source test faces (gray replicated to RGB, 128 px HR, 16 px LR).
#   python tools/train.py configs/dapfsr/dapfsr_paper_100k_celeba2yaleb.py
#   python tools/test.py configs/dapfsr/dapfsr_paper_100k_celeba2yaleb.py CKPT [--one-shot source_only]
# The Table 2 rows baseline, A, B inherit this file and switch the network flags; the
# adaptation configs (*_damma-10x50.py, ...) add the one-shot adaptation to it.
_base_ = ['./dapfsr_paper_100k_celeba.py', '../_base_/targets/yaleb.py',
          '../_base_/evaluation/table1.py']

test_dataloader = dict(dataset=dict(_base_.target_dataset, pipeline=_base_.test_pipeline, _delete_=True))
benchmark_name = 'CelebA -> Extended Yale B'
test_evaluator = _base_.table1_metrics  # Table 1's (configs/_base_/evaluation/table1.py)
