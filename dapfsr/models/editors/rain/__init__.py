from .rain import RAIN

__all__ = ['RAIN']
