from .inference import init_model, prepare_lr_face, super_resolve

__all__ = ['init_model', 'prepare_lr_face', 'super_resolve']
