"""The data sample that travels with every face through datasets, models and metrics."""
from mmengine.structures import BaseDataElement


class FaceSRDataSample(BaseDataElement):
    """One face: HR ground truth, LR input and, after ``predict``, the SR output.

    Data fields (float32 tensors in [0, 1], (C, H, W)):
        gt_img: HR face, (C, H, W); absent for LR-only data (e.g. WIDER tiny faces).
        lr_img: LR face, (C, h, w).
        pred_img: super-resolved face, (C, H, W), set by a model's ``predict``.

    Metainfo: ``img_path``, ``domain``, ``subject``, ``condition``, ``affine``
    (the random affine's parameters, when it ran).
    """
