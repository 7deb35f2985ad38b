# Table 2, row C (+ predict offset scale), small profile: the full network of
# dapfsr_small_17k_celeba-hq.py, tested on Extended Yale B without adaptation ("source
# only", also Table 1's source-only row). The target faces are made as the source test
# faces: the 16 px LR face from the 128 px face under the random affine, HR at 64 px.
#   python tools/train.py configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb.py
#   python tools/test.py configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb.py CKPT [--one-shot source_only]
# The Table 2 rows baseline, A, B inherit this file and switch the network flags; the
# adaptation configs (*_damma-3x15.py, ...) add the one-shot adaptation to it.
_base_ = ['./dapfsr_small_17k_celeba-hq.py', '../_base_/targets/yaleb.py',
          '../_base_/evaluation/table1.py']

test_dataloader = dict(dataset=dict(_base_.target_dataset, pipeline=_base_.test_pipeline, _delete_=True))
benchmark_name = 'CelebA-HQ -> Extended Yale B (small profile)'
test_evaluator = _base_.table1_metrics  # Table 1's (configs/_base_/evaluation/table1.py)
