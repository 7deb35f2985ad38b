# CPGAN, small profile, trained on CelebA-HQ (cpgan_small_10k_celeba-hq.py) and tested on
# Extended Yale B without adaptation: Table 1's source-only row. The target faces are made
# as the source test faces (gray replicated to RGB, 16 px LR from the 128 px face under the
# random affine, HR at 64 px); the guide is the same CelebA-HQ face as in the source test.
#   python tools/test.py configs/cpgan/cpgan_small_10k_celeba-hq2yaleb.py CKPT [--one-shot source_only]
_base_ = ['./cpgan_small_10k_celeba-hq.py', '../_base_/targets/yaleb.py',
          '../_base_/evaluation/table1.py']

benchmark_name = 'CelebA-HQ -> Extended Yale B (small profile)'

test_dataloader = dict(dataset=dict(_base_.target_dataset, pipeline=_base_.test_pipeline, _delete_=True))
test_evaluator = _base_.table1_metrics  # Table 1's (configs/_base_/evaluation/table1.py)
