"""How well an aligner recovers the affine the pipeline applied to each LR face."""
import torch
from mmengine.evaluator import BaseMetric

from dapfsr.models.aligners import affine_parameters, rotation_difference
from dapfsr.registry import METRICS


@METRICS.register_module()
class AffineError(BaseMetric):
    """Errors of ``pred_affine`` (N, 4) against the sample's ``affine`` (``RandomFaceAffine``).

    Result keys: ``rotation_error`` (mean |d theta|, degrees), ``translation_error`` (mean
    Euclidean length of d t, pixels of the 128 px face), ``scale_error`` (mean |d s|) and
    ``within_1deg_1px``, the share of faces with both |d theta| <= 1 deg and |d t| <= 1 px.
    """

    default_prefix = ''

    def process(self, data_batch, data_samples):
        for sample in data_samples:
            if 'pred_affine' not in sample or 'affine' not in sample:
                raise KeyError(f'AffineError: the sample of {sample.get("img_path", "a face")} needs '
                               '"pred_affine" (an aligner\'s prediction) and "affine" (RandomFaceAffine)')
            pred = torch.as_tensor(sample['pred_affine']).float().cpu()[None]
            true = affine_parameters([sample['affine']])
            self.results.append(torch.stack([
                rotation_difference(pred[0, 0], true[0, 0]),
                (pred[0, 1:3] - true[0, 1:3]).norm(),
                (pred[0, 3] - true[0, 3]).abs()]))

    def compute_metrics(self, results):
        errors = torch.stack(results)
        within = ((errors[:, 0] <= 1) & (errors[:, 1] <= 1)).float().mean()
        return dict(rotation_error=errors[:, 0].mean().item(),
                    translation_error=errors[:, 1].mean().item(),
                    scale_error=errors[:, 2].mean().item(), within_1deg_1px=within.item())
