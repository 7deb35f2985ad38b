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
    ``LoadFaceImage(key='gt')`` or ``LoadFaceImage(key='lr')``. ``condition``
    is the subfolder (None for files at the top). ``subject`` is None, which
    the one-shot protocol refuses: read one folder per subject with
    :class:`SubjectFolderDataset`.

    Args:
        data_root (str): The folder.
        recursive (bool): Also read subfolders.
        extensions (Sequence[str]): File endings read (case-insensitive).
        every_image_own_subject (bool): Declare every image a different
            person: ``subject`` is its relative path, so the one-shot protocol
            leaves only the exemplar image out of a test set. Right only when
            no person appears twice in a subfolder.
        **kwargs: :class:`BaseFaceDataset`'s; ``metainfo=dict(domain=...)``
            names the domain (default ``'faces'``).
    """

    def __init__(self, data_root, recursive=True, extensions=IMAGE_EXTENSIONS, every_image_own_subject=False,
                 **kwargs):
        self.recursive = recursive
        self.every_image_own_subject = every_image_own_subject
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
                    data_list.append(dict(img_path=rel, subject=rel if self.every_image_own_subject else None,
                                          condition=None if rel_dir == '.' else rel_dir))
        return data_list
