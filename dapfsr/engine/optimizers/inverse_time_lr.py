"""The inverse-time learning-rate decay of AdaIN and RAIN: lr_i = lr_0 / (1 + decay * i)."""
from mmengine.optim.scheduler.lr_scheduler import LRSchedulerMixin
from mmengine.optim.scheduler.param_scheduler import INF, _ParamScheduler

from dapfsr.registry import PARAM_SCHEDULERS


@PARAM_SCHEDULERS.register_module()
class InverseTimeLR(LRSchedulerMixin, _ParamScheduler):
    """lr at step i (counted from ``begin``) = initial lr / (1 + ``decay`` * i).

    RAIN's and pytorch-AdaIN's ``adjust_learning_rate``, lr / (1 + 5e-5 iter)
    (docs/baselines.md#rain-losses-and-training);
    mmengine has no scheduler of this form. Closed form, so resuming at any step gives the
    same value.

    Args:
        optimizer (OptimWrapper | Optimizer): The wrapped optimizer.
        decay (float): The decay per step (RAIN: 5e-5).
        begin, end, last_step, by_epoch, verbose: As for mmengine's schedulers.
    """

    def __init__(self, optimizer, decay=5e-5, begin=0, end=INF, last_step=-1, by_epoch=False,
                 verbose=False):
        if decay < 0:
            raise ValueError(f'InverseTimeLR decay must be >= 0, got {decay}')
        self.decay = decay
        super().__init__(optimizer, begin=begin, end=end, last_step=last_step,
                         by_epoch=by_epoch, verbose=verbose)

    def _get_value(self):
        return [base / (1 + self.decay * self.last_step) for base in self.base_values]
