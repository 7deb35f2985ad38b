"""How much the predicted W+ codes depend on the input: their spread across faces."""
import torch
from mmengine.evaluator import BaseMetric

from dapfsr.registry import METRICS


@METRICS.register_module()
class LatentSpread(BaseMetric):
    """Mean over the L x D latent entries of the std of ``pred_latent`` across faces.

    An encoder whose codes barely depend on its input draws nearly one face for
    everybody; its spread sits far below that of the best codes for the same
    faces (``tools/analysis/decoder_ceiling.py --save-latents`` prints that
    spread). Result keys: ``LatentSpread`` and, with ``reference``, ``LatentSpreadRatio``
    = spread / reference (1 means as input-dependent as the ceiling's codes).

    Args:
        reference (float, optional): The ceiling's spread on the same kind of faces.
        latent_key (str): Sample key of the (L, D) codes.
    """

    default_prefix = ''

    def __init__(self, reference=None, latent_key='pred_latent', collect_device='cpu', prefix=None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.reference = reference
        self.latent_key = latent_key

    def process(self, data_batch, data_samples):
        for sample in data_samples:
            if self.latent_key not in sample:
                raise KeyError(f'LatentSpread: no {self.latent_key!r} in the data sample of '
                               f'{sample.get("img_path", "a sample")}; the model does not predict codes')
            self.results.append(torch.as_tensor(sample[self.latent_key]).float().cpu())

    def compute_metrics(self, results):
        if len(results) < 2:
            raise ValueError(f'LatentSpread needs at least 2 faces, got {len(results)}')
        spread = torch.stack(results).std(0).mean().item()
        metrics = dict(LatentSpread=spread)
        if self.reference is not None:
            metrics['LatentSpreadRatio'] = spread / self.reference
        return metrics
