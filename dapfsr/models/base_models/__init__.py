from .average_model import HalfLifeEMA

__all__ = ['HalfLifeEMA']
