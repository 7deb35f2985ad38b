from .bicubic_upsampler import BicubicUpsampler

__all__ = ['BicubicUpsampler']
