from .grid import make_image_grid, save_image_grid, sr_grid_rows, to_uint8_image, write_image
from .visualizer import FaceSRLocalVisBackend, FaceSRVisualizer, add_grid

__all__ = ['FaceSRLocalVisBackend', 'FaceSRVisualizer', 'add_grid', 'make_image_grid', 'save_image_grid',
           'sr_grid_rows', 'to_uint8_image', 'write_image']
