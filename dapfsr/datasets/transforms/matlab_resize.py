"""Moved to :mod:`dapfsr.utils.matlab_resize` (below the datasets and the models, which both use it).

Import it from there. This name stays only while code being written elsewhere
(``tools/deployment/``, ``tests/test_tools/test_delta_tools.py``) still imports it
from here; delete it once nothing does (``grep -rn transforms.matlab_resize``).
"""
from dapfsr.utils.matlab_resize import (MatlabBicubic, cubic, imresize, matlab_imresize,  # noqa: F401
                                        output_shape, resize_matrix)
