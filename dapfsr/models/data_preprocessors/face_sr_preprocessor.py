"""Batch faces and map [0, 1] images to the networks' [-1, 1]."""
import torch
from mmengine.model import BaseDataPreprocessor

from dapfsr.registry import MODELS


@MODELS.register_module()
class FaceSRDataPreprocessor(BaseDataPreprocessor):
    """Stack ``inputs`` (LR) and the samples' ``gt_img`` (HR) and rescale them.

    Args:
        num_channels (int): Channels the networks expect. A 1-channel face is
            replicated to 3 when this is 3, so gray target domains run through
            RGB models; a 3-channel face given to a 1-channel model is an error.

    ``forward`` returns ``dict(inputs=(N, C, h, w) in [-1, 1], data_samples=list)``;
    the samples stay in [0, 1] (metrics read them) and move to the model's
    device; :meth:`stack_gt` gives their HR faces in the model's range.
    """

    def __init__(self, num_channels=3):
        super().__init__()
        self.num_channels = num_channels

    def to_model_range(self, img):
        """(…, C, H, W) in [0, 1] -> [-1, 1] with the model's channel count."""
        if img.shape[-3] == 1 and self.num_channels == 3:
            img = img.expand(*img.shape[:-3], 3, *img.shape[-2:])
        elif img.shape[-3] != self.num_channels:
            raise ValueError(f'image has {img.shape[-3]} channels, the model expects '
                             f'{self.num_channels}')
        return img.float() * 2.0 - 1.0

    def forward(self, data, training=False):
        data = self.cast_data(data)
        inputs = data['inputs']
        if isinstance(inputs, (list, tuple)):  # gray and colour faces may share a batch
            inputs = torch.stack([self.to_model_range(x) for x in inputs])
        else:
            inputs = self.to_model_range(inputs)
        return dict(inputs=inputs, data_samples=data.get('data_samples'))

    def stack_gt(self, data_samples):
        """The samples' ``gt_img`` as one (N, C, H, W) batch in [-1, 1]."""
        missing = [s.metainfo.get('img_path', i) for i, s in enumerate(data_samples)
                   if 'gt_img' not in s]
        if missing:
            raise KeyError(f'no gt_img (HR ground truth) for {missing}')
        return self.to_model_range(torch.stack([s.gt_img for s in data_samples]))
