from .degradations import RandomBlur, RandomJPEG, RandomNoise
from .formatting import PackFaceInputs, image_to_tensor
from .loading import LoadFaceImage, read_image
from .landmarks import LoadFaceLandmarks  # noqa: F401
from .photometric import RandomFaceShading, RandomPhotometricJitter, SyntheticNIRSensor  # noqa: F401
from .processing import (CropAndResize, MatlabResize, RandomFaceAffine, RandomHorizontalFlip,
                         read_face_tensor)

__all__ = [
    'LoadFaceImage', 'read_image', 'CropAndResize', 'MatlabResize', 'RandomFaceAffine',
    'RandomHorizontalFlip', 'read_face_tensor',
    'RandomBlur', 'RandomNoise', 'RandomJPEG', 'PackFaceInputs', 'image_to_tensor'
]
