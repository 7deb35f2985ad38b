"""FIQ: face image quality of the SR faces by FaceQnet v1 [18] (no reference, higher is better)."""
import os.path as osp

import torch

from dapfsr.registry import METRICS

from .base_face_metric import CHECKPOINTS_DIR, BaseFaceSRMetric
from .faceqnet import load_faceqnet

# the file tools/model_converters/faceqnet_keras_to_pytorch.py's usage line writes
DEFAULT_CHECKPOINT = osp.join(CHECKPOINTS_DIR, 'FaceQnet_v1.pth')


@METRICS.register_module()
class FIQ(BaseFaceSRMetric):
    """Mean FaceQnet quality of the predictions, in [0, 1]; key ``FIQ``.

    Scored on ``pred_img`` only, as the paper (sec. 5.1). Gray predictions are
    replicated to 3 channels.

    Args:
        checkpoint (str | None): FaceQnet weights: the ``.pth`` written by
            ``tools/model_converters/faceqnet_keras_to_pytorch.py`` from the
            released ``FaceQnet_v1.h5``, or that ``.h5`` itself (needs h5py).
            None: ``checkpoints/FaceQnet_v1.pth`` where it exists, else FIQ is not
            computed (a warning; no ``FIQ`` key in the results). A given path
            that does not exist is an error.
        **kwargs: ``pred_key``, ``collect_device``, ``prefix``.
    """

    metric = 'FIQ'
    needs_gt = False

    def __init__(self, checkpoint=None, **kwargs):
        super().__init__(**kwargs)
        self.faceqnet = None
        if checkpoint is None and osp.isfile(DEFAULT_CHECKPOINT):
            checkpoint = DEFAULT_CHECKPOINT
        if checkpoint is None:
            self.mark_not_computed(f'no FaceQnet weights: set checkpoint to FaceQnet_v1.h5 or '
                                   f'its conversion by tools/model_converters/'
                                   f'faceqnet_keras_to_pytorch.py, or put that in {DEFAULT_CHECKPOINT}')
            return
        if not osp.isfile(checkpoint):
            raise FileNotFoundError(f'FIQ checkpoint not found: {checkpoint}')
        self.faceqnet = load_faceqnet(checkpoint)

    @torch.no_grad()
    def score_batch(self, preds, gts):
        device = preds[0].device
        self.faceqnet.to(device)
        return self.faceqnet.quality(torch.stack(preds)).tolist()
