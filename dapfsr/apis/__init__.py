from dapfsr.models.detectors import MTCNN
from .adaptation import adapt
from .inference import gray_output_of, init_model, prepare_lr_face, super_resolve
from .photo import PhotoResult, super_resolve_photo
from .folder import FolderSummary, plan_folder, super_resolve_folder
from .webui import WEBUI_MODELS, WebUI

__all__ = ['adapt', 'init_model', 'prepare_lr_face', 'super_resolve', 'gray_output_of', 'MTCNN',
           'PhotoResult', 'super_resolve_photo', 'FolderSummary', 'plan_folder', 'super_resolve_folder',
           'WEBUI_MODELS', 'WebUI']
