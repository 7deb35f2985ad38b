from .base_face_dataset import BaseFaceDataset
from .casia_nirvis_dataset import CASIANIRVISDataset
from .celeba_dataset import CelebADataset, CelebAHQDataset
from .content_style_dataset import ContentStyleDataset  # noqa: F401
from .image_folder_dataset import ImageFolderDataset
from .multipie_dataset import MultiPIEDataset
from .protocol import OneShotProtocol, OneShotTask, protocol_config
from .subject_folder_dataset import SubjectFolderDataset
from .transforms import *  # noqa: F401,F403  (registers the transforms)
from .yaleb_dataset import ExtendedYaleBDataset

__all__ = [
    'BaseFaceDataset', 'CelebADataset', 'CelebAHQDataset', 'ExtendedYaleBDataset', 'MultiPIEDataset',
    'CASIANIRVISDataset', 'ImageFolderDataset', 'SubjectFolderDataset', 'OneShotProtocol', 'OneShotTask',
    'protocol_config'
]
