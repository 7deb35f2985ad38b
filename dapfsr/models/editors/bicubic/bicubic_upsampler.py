"""Bicubic interpolation, the first row of Table 1, as a model the tools can run."""
from dapfsr.registry import MODELS
from dapfsr.utils.matlab_resize import imresize
from dapfsr.models.base_models import BaseFaceSRModel


@MODELS.register_module()
class BicubicUpsampler(BaseFaceSRModel):
    """Upsample LR faces (N, C, h, w) to ``out_size`` with MATLAB-compatible bicubic.

    No parameters: ``predict`` fills ``pred_img`` like the learnt models do, so
    the same test tools and metrics evaluate it.

    Args:
        out_size (int): HR side, 128 in the paper.
        data_preprocessor (dict): FaceSRDataPreprocessor config.
        refiner (dict, optional): See :class:`BaseFaceSRModel`.
    """

    def __init__(self, out_size=128, data_preprocessor=dict(type='FaceSRDataPreprocessor'), refiner=None):
        super().__init__(data_preprocessor=data_preprocessor, refiner=refiner)
        self.out_size = out_size

    def forward(self, inputs, data_samples=None, mode='tensor'):
        sr = imresize(inputs, size=(self.out_size, self.out_size)).clamp(-1, 1)
        if mode in ('tensor', 'predict'):
            return self.sr_output(sr, inputs, data_samples, mode)
        raise ValueError(f'BicubicUpsampler has nothing to learn: mode must be "predict" or '
                         f'"tensor", got {mode!r}')
