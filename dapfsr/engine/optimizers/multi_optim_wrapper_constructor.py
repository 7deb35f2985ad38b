"""One optimizer wrapper per sub-module (a GAN's generator and discriminator)."""
import copy

from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapperDict

from dapfsr.registry import OPTIM_WRAPPER_CONSTRUCTORS
from dapfsr.utils.distributed import unwrap_model


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class MultiOptimWrapperConstructor:
    """One optimizer wrapper per named sub-module, as an ``OptimWrapperDict``.

    Config: ``optim_wrapper = dict(constructor='MultiOptimWrapperConstructor',
    generator=dict(optimizer=dict(type='Adam', ...)), discriminator=dict(...))``;
    each entry is an ordinary single-optimizer config for ``model.<name>``.
    """

    def __init__(self, optim_wrapper_cfg, paramwise_cfg=None):
        if paramwise_cfg is not None:
            raise ValueError('give paramwise_cfg inside each sub-module entry of optim_wrapper')
        self.optim_wrapper_cfg = optim_wrapper_cfg

    def __call__(self, model):
        model = unwrap_model(model)
        wrappers = {}
        for name, cfg in self.optim_wrapper_cfg.items():
            if not hasattr(model, name):
                raise KeyError(f'optim_wrapper entry "{name}": the model has no sub-module {name}')
            cfg = copy.deepcopy(cfg)
            wrappers[name] = DefaultOptimWrapperConstructor(cfg, cfg.pop('paramwise_cfg', None))(
                getattr(model, name))
        return OptimWrapperDict(**wrappers)

