"""Bicubic interpolation, the first row of Table 1, as a model the tools can run."""
from mmengine.model import BaseModel

from dapfsr.registry import MODELS
from dapfsr.utils.matlab_resize import imresize
from .dapfsr import pack_sr_predictions


@MODELS.register_module()
class BicubicUpsampler(BaseModel):
    """Upsample LR faces (N, C, h, w) to ``out_size`` with MATLAB-compatible bicubic.

    No parameters: ``predict`` fills ``pred_img`` like the learnt models do, so
    the same test tools and metrics evaluate it.

    Args:
        out_size (int): HR side, 128 in the paper.
        data_preprocessor (dict): FaceSRDataPreprocessor config.
    """

    def __init__(self, out_size=128, data_preprocessor=dict(type='FaceSRDataPreprocessor')):
        if isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(data_preprocessor=data_preprocessor)
        self.out_size = out_size

    def forward(self, inputs, data_samples=None, mode='tensor'):
        sr = imresize(inputs, size=(self.out_size, self.out_size)).clamp(-1, 1)
        if mode == 'tensor':
            return sr
        if mode == 'predict':
            return pack_sr_predictions(sr, data_samples)
        raise ValueError(f'BicubicUpsampler has nothing to learn: mode must be "predict" or '
                         f'"tensor", got {mode!r}')
