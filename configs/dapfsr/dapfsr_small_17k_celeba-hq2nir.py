# The small DAP-FSR on the synthetic near-infrared target (configs/_base_/targets/celeba_hq_nir.py),
# source only (Table 1's protocol: --one-shot source_only); the *2nir_* configs adapt it.
#   python tools/test.py configs/dapfsr/dapfsr_small_17k_celeba-hq2nir.py CKPT --one-shot source_only
_base_ = ['./dapfsr_small_17k_celeba-hq.py', '../_base_/targets/celeba_hq_nir.py',
          '../_base_/evaluation/table1.py']

test_pipeline = _base_.test_pipeline[:2] + [_base_.target_sensor] + _base_.test_pipeline[2:]
test_dataloader = dict(dataset=dict(_base_.target_dataset, pipeline=test_pipeline, _delete_=True))
benchmark_name = 'CelebA-HQ -> synthetic NIR CelebA-HQ (small profile)'
test_evaluator = _base_.table1_metrics
