"""LPIPS [52] (AlexNet, v0.1) through the ``lpips`` package, offline.

``lpips.LPIPS(net='alex')`` downloads torchvision's ImageNet AlexNet; no hub is
reachable here, so the backbone is loaded from a local torchvision checkpoint
(``alexnet-owt-7be5be79.pth``) instead. The package ships the learned linear
layers (``weights/v0.1/alex.pth``). Without the backbone file LPIPS is not
computed: a distance from a random AlexNet is not LPIPS.
"""
import glob
import os.path as osp
import warnings

import torch
import torch.nn as nn

from dapfsr.registry import METRICS
from dapfsr.utils.pretrained import load_pretrained_weights

from ..functional import match_channels
from .base_face_metric import CHECKPOINTS_DIR, BaseFaceSRMetric

TORCHVISION_ALEXNET_GLOB = 'alexnet-owt-*.pth'


def find_alexnet():
    """torchvision's AlexNet file in ``checkpoints/``, else in the torch hub cache, or None."""
    for folder in (CHECKPOINTS_DIR, osp.join(torch.hub.get_dir(), 'checkpoints')):
        found = sorted(glob.glob(osp.join(folder, TORCHVISION_ALEXNET_GLOB)))
        if found:
            return found[-1]
    return None


def load_alexnet_backbone(lpips_model, path):
    """Load torchvision AlexNet weights (``features.{i}.*``) into ``lpips_model.net``.

    lpips splits ``alexnet().features`` into ``slice1..5`` keeping the layer
    indices (``features.3`` is ``slice2.3``); the layers are gathered back under
    ``features`` so that the file's keys load as they are (its ``classifier.`` is
    not used).

    Raises:
        CheckpointError: The file lacks a conv layer, has other keys or another
            shape (:func:`~dapfsr.utils.checkpoint.load_state_dict_checked`); names the file.
    """
    features = nn.Module()
    for index, layer in (item for part in lpips_model.net.children() for item in part.named_children()):
        features.add_module(index, layer)
    torchvision_layout = nn.Module()
    torchvision_layout.features = features
    load_pretrained_weights(torchvision_layout, path, drop_prefixes=('classifier.', ),
                            what="a torchvision AlexNet (LPIPS's backbone)")


@METRICS.register_module()
class LPIPS(BaseFaceSRMetric):
    """Mean per-image LPIPS distance (AlexNet, v0.1, lower is better); key ``LPIPS``.

    Images go in as [0, 1] (lpips' ``normalize=True``). A 1-channel target is
    compared with the prediction converted to gray (BT.601 luma), both
    replicated to 3 channels.

    Args:
        backbone_checkpoint (str | None): torchvision's ImageNet AlexNet
            (``alexnet-owt-7be5be79.pth``, keys ``features.{i}.weight/bias``).
            None: look for ``alexnet-owt-*.pth`` in ``checkpoints/``, then in the
            torch hub cache (``$TORCH_HOME/hub/checkpoints``); without it LPIPS is not computed
            (a warning; no ``LPIPS`` key in the results). A given path that does
            not exist is an error.
        **kwargs: ``pred_key``, ``gt_key``, ``collect_device``, ``prefix``.
    """

    metric = 'LPIPS'

    def __init__(self, backbone_checkpoint=None, **kwargs):
        super().__init__(**kwargs)
        self.lpips_model = None
        if backbone_checkpoint is None:
            backbone_checkpoint = find_alexnet()
            if backbone_checkpoint is None:
                self.mark_not_computed(
                    'no AlexNet backbone weights: set backbone_checkpoint to torchvision\'s '
                    f'alexnet-owt-7be5be79.pth or put it in {CHECKPOINTS_DIR}/ or '
                    f'{torch.hub.get_dir()}/checkpoints')
                return
        elif not osp.isfile(backbone_checkpoint):
            raise FileNotFoundError(f'LPIPS backbone_checkpoint not found: {backbone_checkpoint}')
        import lpips
        with warnings.catch_warnings():  # torchvision's notice on `pretrained=False`
            warnings.simplefilter('ignore')
            model = lpips.LPIPS(net='alex', version='0.1', pretrained=True, pnet_rand=True,
                                verbose=False)
        load_alexnet_backbone(model, backbone_checkpoint)
        self.backbone_checkpoint = backbone_checkpoint
        self.lpips_model = model.eval().requires_grad_(False)

    @torch.no_grad()
    def score_batch(self, preds, gts):
        pairs = [match_channels(p.float(), g.float()) for p, g in zip(preds, gts)]
        device = preds[0].device
        self.lpips_model.to(device)
        pred = torch.stack([p.expand(3, -1, -1) for p, _ in pairs]).to(device)
        gt = torch.stack([g.expand(3, -1, -1) for _, g in pairs]).to(device)
        return self.lpips_model(pred, gt, normalize=True).flatten().tolist()
