"""An aligner told the affine: the pose of an LR face, learnt from the warp the pipeline applied."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModel

from dapfsr.registry import MODELS
from dapfsr.structures import FaceSRDataSample
from dapfsr.utils.colour import BT601_LUMA
from .face_warp import affine_parameters



@MODELS.register_module()
class AffineAligner(BaseModel):
    """LR face (N, C, h, w) in [-1, 1] -> its affine (N, 4): rotation deg, tx, ty (px at 128),
    scale, in ``RandomFaceAffine``'s convention (``face_warp``), so that ``warp(lr_up, a,
    inverse=True)`` puts the face upright.

    Unlike the ISTNs, which learn alignment only through the reconstruction loss, it is
    supervised with the affine the pipeline drew for each training face
    (``results['affine']``): a smooth-L1 loss on the parameters divided by ``param_scales``
    (the moderate ranges). It sees the face as luma, standardised per image (zero mean, unit
    variance), so colour, brightness and contrast do not enter; the photometric jitter of its
    training faces covers light and sensor changes.

    The network keeps the LR grid (no pooling before the fully connected layers: where
    things are is the answer): convs at h, h / 2, h / 4, then two FC layers.

    Args:
        in_size (int): LR side h.
        channels (Sequence[int]): Widths at h, h / 2, h / 4.
        hidden (int): Width of the FC layer.
        param_scales (Sequence[float]): Divisors of (rotation, tx, ty, scale - 1) in the loss.
        data_preprocessor (dict): FaceSRDataPreprocessor config.
    """

    def __init__(self, in_size=16, channels=(32, 64, 128), hidden=256,
                 param_scales=(10.0, 4.0, 4.0, 0.1),
                 data_preprocessor=dict(type='FaceSRDataPreprocessor'), init_cfg=None):
        super().__init__(data_preprocessor=MODELS.build(data_preprocessor)
                         if isinstance(data_preprocessor, dict) else data_preprocessor,
                         init_cfg=init_cfg)
        self.in_size = in_size
        c1, c2, c3 = channels
        self.features = nn.Sequential(
            nn.Conv2d(1, c1, 3, padding=1), nn.BatchNorm2d(c1), nn.ReLU(),
            nn.Conv2d(c1, c1, 3, padding=1), nn.BatchNorm2d(c1), nn.ReLU(),
            nn.Conv2d(c1, c2, 3, stride=2, padding=1), nn.BatchNorm2d(c2), nn.ReLU(),
            nn.Conv2d(c2, c2, 3, padding=1), nn.BatchNorm2d(c2), nn.ReLU(),
            nn.Conv2d(c2, c3, 3, stride=2, padding=1), nn.BatchNorm2d(c3), nn.ReLU(),
            nn.Flatten())
        self.head = nn.Sequential(nn.Linear(c3 * (in_size // 4) ** 2, hidden), nn.ReLU(),
                                  nn.Linear(hidden, 4))
        nn.init.zeros_(self.head[-1].weight)
        nn.init.zeros_(self.head[-1].bias)  # starts at the identity
        self.register_buffer('param_scales', torch.tensor(param_scales, dtype=torch.float32),
                             persistent=False)

    @staticmethod
    def standardise(lr):
        """(N, C, h, w) -> (N, 1, h, w): luma (or the one channel), zero mean, unit variance."""
        y = lr if lr.shape[1] == 1 else sum(w * lr[:, i:i + 1] for i, w in enumerate(BT601_LUMA))
        y = y - y.mean((2, 3), keepdim=True)
        return y / y.square().mean((2, 3), keepdim=True).add(1e-6).sqrt()

    def estimate(self, lr):
        """LR faces (N, C, h, w) in [-1, 1] -> affine parameters (N, 4)."""
        if lr.shape[-2:] != (self.in_size, self.in_size):
            raise ValueError(f'AffineAligner takes {self.in_size} px LR faces, got {tuple(lr.shape[-2:])}')
        normalised = self.head(self.features(self.standardise(lr)))
        identity = normalised.new_tensor([0., 0., 0., 1.])
        return identity + normalised * self.param_scales

    def forward(self, inputs, data_samples=None, mode='tensor'):
        params = self.estimate(inputs)
        if mode == 'tensor':
            return params
        if mode == 'loss':
            if not data_samples or any('affine' not in s.metainfo for s in data_samples):
                raise ValueError('AffineAligner loss mode needs samples with the affine the '
                                 'pipeline applied (RandomFaceAffine before PackFaceInputs)')
            target = affine_parameters([s.affine for s in data_samples], params.device)
            return dict(loss_affine=F.smooth_l1_loss(params / self.param_scales,
                                                     target / self.param_scales, beta=0.1))
        if mode == 'predict':
            data_samples = data_samples or [FaceSRDataSample() for _ in range(len(params))]
            for sample, p in zip(data_samples, params.detach()):
                sample.pred_affine = p
            return data_samples
        raise ValueError(f'mode must be "loss", "predict" or "tensor", got {mode!r}')
