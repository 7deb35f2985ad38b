from .grid import make_image_grid, save_image_grid, sr_grid_rows, to_uint8_image

__all__ = ['make_image_grid', 'save_image_grid', 'sr_grid_rows', 'to_uint8_image']
