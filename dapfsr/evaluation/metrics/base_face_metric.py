"""Per-image face SR metrics: read ``pred_img``/``gt_img`` of each sample, report the mean."""
import logging

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from mmengine.structures import BaseDataElement

# where a metric looks for its network's weights when a config names no file (relative to the
# working directory, as config paths are)
CHECKPOINTS_DIR = 'checkpoints'


class BaseFaceSRMetric(BaseMetric):
    """Scores every sample, reports ``{metric: mean over images}``.

    Samples are dicts (mmengine's Evaluator passes ``FaceSRDataSample.to_dict()``)
    or data elements holding ``pred_img`` and, when :attr:`needs_gt`, ``gt_img``:
    (C, H, W) tensors in [0, 1] (docs/interfaces.md).

    A metric whose network weights are missing is *not computed*: subclasses set
    :attr:`not_computed_reason`; then a warning is logged and the metric's key is
    left out of the results (no number from random weights is ever reported).

    Args:
        pred_key (str): Sample key of the prediction. Defaults to ``'pred_img'``.
        gt_key (str): Sample key of the ground truth. Defaults to ``'gt_img'``.
        collect_device (str): As for mmengine's ``BaseMetric``.
        prefix (str | None): Prepended to the result key as ``'prefix/KEY'``.
    """

    metric = None  # the result key, e.g. 'PSNR'
    needs_gt = True
    default_prefix = ''

    def __init__(self, pred_key='pred_img', gt_key='gt_img', collect_device='cpu', prefix=None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.pred_key = pred_key
        self.gt_key = gt_key
        self.not_computed_reason = None

    def mark_not_computed(self, reason):
        """Record why the metric cannot be computed and say so in the log."""
        self.not_computed_reason = reason
        print_log(f'{self.metric} is not computed: {reason}', logger='current',
                  level=logging.WARNING)

    def _field(self, sample, key, index):
        value = sample.get(key) if isinstance(sample, (dict, BaseDataElement)) else None
        if value is None:
            meta = sample.metainfo if isinstance(sample, BaseDataElement) else sample
            where = meta.get('img_path', f'sample {index} of the batch')
            raise KeyError(f'{type(self).__name__}: no {key!r} in the data sample of {where}')
        if not torch.is_tensor(value):
            value = torch.as_tensor(np.asarray(value))
        if value.ndim != 3:
            raise ValueError(f'{type(self).__name__}: {key!r} must be (C, H, W), got '
                             f'shape {tuple(value.shape)}')
        return value

    def process(self, data_batch, data_samples):
        if self.not_computed_reason is not None:
            return
        preds = [self._field(s, self.pred_key, i) for i, s in enumerate(data_samples)]
        gts = ([self._field(s, self.gt_key, i) for i, s in enumerate(data_samples)]
               if self.needs_gt else [None] * len(preds))
        for score in self.score_batch(preds, gts):
            self.results.append({self.metric: float(score)})

    def score_batch(self, preds, gts):
        """Scores of a batch: one float per (pred, gt) pair (gt None if not :attr:`needs_gt`)."""
        return [self.score(pred, gt) for pred, gt in zip(preds, gts)]

    def score(self, pred, gt):
        """The score of one image: (C, H, W) tensors in [0, 1]."""
        raise NotImplementedError

    def compute_metrics(self, results):
        if self.not_computed_reason is not None:
            print_log(f'{self.metric} is not computed: {self.not_computed_reason}',
                      logger='current', level=logging.WARNING)
            return {}
        return {self.metric: float(np.mean([r[self.metric] for r in results]))}

    def evaluate(self, size):
        if self.not_computed_reason is not None:
            # mmengine would warn that `results` is empty; say why instead.
            return self.compute_metrics([])
        return super().evaluate(size)
