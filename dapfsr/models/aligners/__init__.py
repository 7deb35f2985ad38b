from .affine_aligner import AffineAligner
from .face_warp import (REFERENCE_SIZE, affine_parameters, compose_matrices, degrade, forward_matrix,
                        invert_matrix, moderate_preset, moderate_ranges, rotation_difference, warp)

__all__ = ['AffineAligner', 'REFERENCE_SIZE', 'affine_parameters', 'compose_matrices', 'degrade', 'forward_matrix',
           'invert_matrix', 'moderate_preset', 'moderate_ranges', 'rotation_difference', 'warp']
