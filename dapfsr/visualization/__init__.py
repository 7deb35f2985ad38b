from .grid import make_image_grid, save_image_grid, to_uint8_image

__all__ = ['make_image_grid', 'save_image_grid', 'to_uint8_image']
