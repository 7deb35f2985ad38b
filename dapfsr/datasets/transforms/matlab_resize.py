"""Moved to :mod:`dapfsr.utils.matlab_resize` (below the datasets and the models, which both use it).

Kept only while code in progress (``dapfsr/apis/photo.py``) still imports it from
here; import ``dapfsr.utils.matlab_resize`` instead. Nothing else uses this name.
"""
from dapfsr.utils.matlab_resize import (MatlabBicubic, cubic, imresize, matlab_imresize,  # noqa: F401
                                        output_shape, resize_matrix)
