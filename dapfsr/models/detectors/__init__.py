from .mtcnn import DetectorUnavailable, Face, MTCNN, detector_files

__all__ = ['DetectorUnavailable', 'Face', 'MTCNN', 'detector_files']
