from .affine_aligner import AffineAligner
from .face_warp import (REFERENCE_SIZE, affine_parameters, degrade, forward_matrix, invert_matrix,
                        rotation_difference, warp)

__all__ = ['AffineAligner', 'REFERENCE_SIZE', 'affine_parameters', 'degrade', 'forward_matrix',
           'invert_matrix', 'rotation_difference', 'warp']
