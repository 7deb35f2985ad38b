from .data_sample import FaceSRDataSample

__all__ = ['FaceSRDataSample']
