from .compare import compare_panel
from .grid import make_image_grid, put_text, save_image_grid, sr_grid_rows, to_uint8_image
from .visualizer import FaceSRLocalVisBackend, FaceSRVisualizer, add_grid

__all__ = ['FaceSRLocalVisBackend', 'FaceSRVisualizer', 'add_grid', 'compare_panel', 'make_image_grid',
           'put_text', 'save_image_grid', 'sr_grid_rows', 'to_uint8_image']
