# DAMMA, small profile (2 CPU cores; 16 px LR, 64 px HR): 3 x 15 iterations of 4 generated
# pairs + the exemplar, 10-13 s a task on 2 free cores (configs/dapfsr/README.md: it kept
# the gain of 4 x 25, 26 s). Rates, augmenter and phi as ./damma.py.
_base_ = ['./damma.py']

adaptation = dict(
    outer_iters=3,
    inner_iters=15,
    batch_size=4,
    log_interval=5,
    # LR faces as configs/dapfsr/dapfsr_small_17k_celeba-hq.py makes them: the random affine
    # and MATLAB bicubic act on the 128 px face, so the generated 64 px face is first
    # brought back to 128 px.
    degradation=[
        dict(type='MatlabResize', keys=['gt'], size=128),
        dict(type='RandomFaceAffine', preset='moderate', seed=None),
        dict(type='MatlabResize', keys=['lr'], size=16),
    ])
