# The AffineAligner's accuracy on a target it never saw: the Extended Yale B faces of the
# benchmark (10 light splits, every subject), LR faces made as the small profile makes them.
# Uncalibrated; tools/analysis/error_decomposition.py --aligner also reports it calibrated on
# each task's exemplar, as the refiners use it.
#   python tools/test.py configs/aligner/affine_aligner_small_12k_celeba-hq2yaleb.py CKPT
_base_ = ['./affine_aligner_small_12k_celeba-hq.py', '../_base_/targets/yaleb.py']

test_dataloader = dict(dataset=dict(_base_.target_dataset, pipeline=_base_.test_pipeline, _delete_=True))
