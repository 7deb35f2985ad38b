from .pulse import PULSE

__all__ = ['PULSE']
