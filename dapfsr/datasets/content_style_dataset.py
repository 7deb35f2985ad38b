"""Content faces paired with style faces at other random indices, for style networks (RAIN)."""
import numpy as np
from torch.utils.data import Dataset

from dapfsr.registry import DATASETS


@DATASETS.register_module()
class ContentStyleDataset(Dataset):
    """Item i: content face i and a style face j != i drawn at random (RAIN's two loaders).

    Both datasets pack HR-only faces (``PackFaceInputs`` puts the HR face in ``inputs``); the
    style one's pipeline typically adds photometric jitter. j is uniform over the style
    dataset but never i itself (mod its length), so with the same faces on both sides the
    style is always another face.

    Returns ``dict(inputs=content (3, H, W) in [0, 1], style=(3, H, W) in [0, 1],
    data_samples=the content's sample)``; ``default_collate`` stacks ``inputs`` and ``style``.

    Args:
        content (dict | Dataset): The content faces.
        style (dict | Dataset): The style faces (at least 2).
        seed (int | None): None draws j from numpy's global state (mmengine seeds it per
            worker: new pairs every epoch); an integer gives item i the same j every time.
    """

    def __init__(self, content, style, seed=None):
        self.content = DATASETS.build(content) if isinstance(content, dict) else content
        self.style = DATASETS.build(style) if isinstance(style, dict) else style
        if len(self.style) < 2:
            raise ValueError(f'ContentStyleDataset needs at least 2 style faces, got {len(self.style)}')
        self.seed = seed

    @property
    def metainfo(self):
        return getattr(self.content, 'metainfo', {})

    def __len__(self):
        return len(self.content)

    def style_index(self, index):
        """j = (i + 1 + k) mod len(style), k uniform in [0, len(style) - 2]."""
        if self.seed is None:
            offset = np.random.randint(len(self.style) - 1)
        else:
            offset = np.random.default_rng([self.seed, index]).integers(len(self.style) - 1)
        return (index + 1 + int(offset)) % len(self.style)

    def __getitem__(self, index):
        content = self.content[index]
        style = self.style[self.style_index(index)]
        return dict(inputs=content['inputs'], style=style['inputs'], data_samples=content['data_samples'])
