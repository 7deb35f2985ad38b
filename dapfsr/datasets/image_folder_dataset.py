"""Any folder of face images, e.g. real tiny faces without ground truth."""
import os
import os.path as osp

from dapfsr.registry import DATASETS
from .base_face_dataset import IMAGE_EXTENSIONS, BaseFaceDataset


@DATASETS.register_module()
class ImageFolderDataset(BaseFaceDataset):
    """The images of a folder (and its subfolders), sorted by relative path.

    Whether an image is an HR face or an LR-only face (real tiny faces, e.g.
    crops from WIDER FACE, with no ground truth) is the pipeline's choice:
    ``LoadFaceImage(key='gt')`` or ``LoadFaceImage(key='lr')``. ``subject`` is
    None; ``condition`` is the subfolder (None for files at the top).

    Args:
        data_root (str): The folder.
        recursive (bool): Also read subfolders.
        extensions (Sequence[str]): File endings read (case-insensitive).
        **kwargs: :class:`BaseFaceDataset`'s; ``metainfo=dict(domain=...)``
            names the domain (default ``'faces'``).
    """

    def __init__(self, data_root, recursive=True, extensions=IMAGE_EXTENSIONS, **kwargs):
        self.recursive = recursive
        self.extensions = tuple(e.lower() for e in extensions)
        super().__init__(data_root, **kwargs)

    def scan(self):
        data_list = []
        for dirpath, dirnames, files in os.walk(self.data_root):
            dirnames.sort()
            if not self.recursive:
                dirnames.clear()
            rel_dir = osp.relpath(dirpath, self.data_root).replace(os.sep, '/')
            for fname in sorted(files):
                if fname.lower().endswith(self.extensions):
                    rel = fname if rel_dir == '.' else f'{rel_dir}/{fname}'
                    data_list.append(dict(img_path=rel, condition=None if rel_dir == '.' else rel_dir))
        return data_list
