from .multi_optim_wrapper_constructor import MultiOptimWrapperConstructor
from .inverse_time_lr import InverseTimeLR  # noqa: F401

__all__ = ['MultiOptimWrapperConstructor']
