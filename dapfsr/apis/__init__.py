from .adaptation import adapt
from .inference import init_model, prepare_lr_face, super_resolve

__all__ = ['adapt', 'init_model', 'prepare_lr_face', 'super_resolve']
