"""PSNR and SSIM between SR and HR faces (the paper's sec. 5.1 fidelity metrics)."""
from dapfsr.registry import METRICS

from ..functional import psnr, ssim
from .base_face_metric import BaseFaceSRMetric


class _PixelMetric(BaseFaceSRMetric):
    """A per-image metric of :mod:`dapfsr.evaluation.functional`.

    Args:
        crop_border (int): Pixels removed from each edge before comparing.
        convert_to (str | None): ``'Y'``: compare the ITU-R BT.601 Y channel
            (MATLAB ``rgb2ycbcr``, as mmagic); None: all RGB channels. A 1-channel
            target is compared with the prediction converted to gray (BT.601 luma).
        data_range (float): Largest pixel value of the images; data samples hold
            [0, 1] images, so 1.0.
        **kwargs: ``pred_key``, ``gt_key``, ``collect_device``, ``prefix``.
    """

    function = None

    def __init__(self, crop_border=0, convert_to=None, data_range=1.0, **kwargs):
        super().__init__(**kwargs)
        if convert_to not in (None, 'Y'):
            raise ValueError(f"{type(self).__name__}: convert_to must be None or 'Y', "
                             f'got {convert_to!r}')
        self.crop_border = crop_border
        self.convert_to = convert_to
        self.data_range = data_range

    def score(self, pred, gt):
        return self.function(pred, gt, crop_border=self.crop_border, convert_to=self.convert_to,
                             data_range=self.data_range)


@METRICS.register_module()
class PSNR(_PixelMetric):
    """Mean per-image PSNR in dB; result key ``PSNR``. See :class:`_PixelMetric` for arguments."""

    metric = 'PSNR'
    function = staticmethod(psnr)


@METRICS.register_module()
class SSIM(_PixelMetric):
    """Mean per-image SSIM; result key ``SSIM``. See :class:`_PixelMetric` for arguments."""

    metric = 'SSIM'
    function = staticmethod(ssim)
