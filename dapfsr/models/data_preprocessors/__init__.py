from .face_sr_preprocessor import FaceSRDataPreprocessor

__all__ = ['FaceSRDataPreprocessor']
