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

from dapfsr.registry import METRICS
from dapfsr.utils import load_checkpoint_file, state_dict_from_checkpoint

from ..functional import match_channels
from .base_face_metric import BaseFaceSRMetric

TORCHVISION_ALEXNET_GLOB = 'alexnet-owt-*.pth'


def find_hub_alexnet():
    """torchvision's AlexNet file in the torch hub cache, or None."""
    pattern = osp.join(torch.hub.get_dir(), 'checkpoints', TORCHVISION_ALEXNET_GLOB)
    found = sorted(glob.glob(pattern))
    return found[-1] if found else None


def load_alexnet_backbone(lpips_model, path):
    """Load torchvision AlexNet weights (``features.{i}.*``) into ``lpips_model.net``.

    lpips splits ``alexnet().features`` into ``slice1..5`` keeping the layer
    indices, so ``features.3.weight`` becomes ``slice2.3.weight``.

    Raises:
        ValueError: the file lacks a conv layer or a shape differs; names the file.
    """
    state = state_dict_from_checkpoint(load_checkpoint_file(path))
    target = lpips_model.net.state_dict()
    mapped, problems = {}, []
    for key, tensor in target.items():
        _, index, param = key.split('.')
        source = f'features.{index}.{param}'
        if source not in state:
            problems.append(f'missing {source}')
        elif state[source].shape != tensor.shape:
            problems.append(f'{source} has shape {tuple(state[source].shape)}, '
                            f'AlexNet needs {tuple(tensor.shape)}')
        else:
            mapped[key] = state[source]
    if problems:
        raise ValueError(f'{path} is not a torchvision AlexNet state dict: {"; ".join(problems)}')
    lpips_model.net.load_state_dict(mapped)


@METRICS.register_module()
class LPIPS(BaseFaceSRMetric):
    """Mean per-image LPIPS distance (AlexNet, v0.1, lower is better); key ``LPIPS``.

    Images go in as [0, 1] (lpips' ``normalize=True``). A 1-channel target is
    compared with the prediction converted to gray (BT.601 luma), both
    replicated to 3 channels.

    Args:
        backbone_checkpoint (str | None): torchvision's ImageNet AlexNet
            (``alexnet-owt-7be5be79.pth``, keys ``features.{i}.weight/bias``).
            None: look for ``alexnet-owt-*.pth`` in the torch hub cache
            (``$TORCH_HOME/hub/checkpoints``); without it LPIPS is not computed
            (a warning; no ``LPIPS`` key in the results). A given path that does
            not exist is an error.
        **kwargs: ``pred_key``, ``gt_key``, ``collect_device``, ``prefix``.
    """

    metric = 'LPIPS'

    def __init__(self, backbone_checkpoint=None, **kwargs):
        super().__init__(**kwargs)
        self.lpips_model = None
        if backbone_checkpoint is None:
            backbone_checkpoint = find_hub_alexnet()
            if backbone_checkpoint is None:
                self.mark_not_computed(
                    'no AlexNet backbone weights: set backbone_checkpoint to torchvision\'s '
                    f'alexnet-owt-7be5be79.pth or put it in {torch.hub.get_dir()}/checkpoints')
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
