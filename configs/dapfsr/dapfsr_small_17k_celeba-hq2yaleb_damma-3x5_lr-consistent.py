# The small profile's default one-shot DAP-FSR (beyond the paper; `make demo`, the README, the web
# page): dapfsr_small_17k_celeba-hq2yaleb_damma-3x15_lr-consistent.py with a third of the DAMMA
# steps, 3 x 5. Once every output is made consistent with its LR face the longer schedule adds
# nothing (docs/results.md), and a task adapts in under 10 s on 2 CPU cores.
_base_ = ['./dapfsr_small_17k_celeba-hq2yaleb_damma-3x15_lr-consistent.py']
adaptation = dict(inner_iters=5)
