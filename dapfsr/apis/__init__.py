from .adaptation import adapt
from .inference import gray_output_of, init_model, prepare_lr_face, super_resolve
from .photo import MTCNN, PhotoResult, super_resolve_photo
from .webui import WEBUI_MODELS, WebUI

__all__ = ['adapt', 'init_model', 'prepare_lr_face', 'super_resolve', 'gray_output_of', 'MTCNN',
           'PhotoResult', 'super_resolve_photo', 'WEBUI_MODELS', 'WebUI']
