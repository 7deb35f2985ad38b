"""The domain-aware pyramid encoder E of DAP-FSR (sec. 4.1, Fig. 2a)."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from dapfsr.registry import MODELS
from .ale import AdaptiveLatentEncoding
from .istn import ISTN


def feature_size(size, stride):
    """Side of a backbone map at ``stride``: every stride-2 layer gives ceil(size / 2)."""
    for _ in range(int(math.log2(stride))):
        size = math.ceil(size / 2)
    return size


@MODELS.register_module()
class DAPEncoder(BaseModule):
    """LR face -> W+ offsets E(I_LR), one per decoder layer.

    The LR face is first resized to ``input_size``: an ImageNet backbone at
    stride 32 turns a 16x16 face into a sub-pixel C5 and leaves the ISTNs no
    spatial map to align, so, as pSp does, we upsample; 128 (the HR size of the
    paper profile) makes C3, C4, C5 16x16, 8x8, 4x4, i.e. C3 on the LR grid.
    ISTNs warp the image and the early maps; C3, C4, C5 are projected by 1x1
    convs, upsampled to C3's size and concatenated with the projected global
    average of C5 (broadcast) into the pyramid context; one ALE per latent
    attends it.

    Table 2 rows: ``multi_scale=False`` is the baseline (context = C5 only,
    "latents from the backbone's last layer"), ``istn_positions=()`` drops the
    ISTNs; the offset-scale parametrisation (Eq. 2, row C) is applied by the
    model (``DAPFSR.offset_scale``).

    Args:
        num_latents (int): L, the decoder's number of W+ latents.
        style_channels (int): D, the latent dimension.
        backbone (dict): Config of a backbone with ``normalize``,
            ``forward_stage`` and ``stage_channels`` (ResNetBackbone,
            EfficientNetLite0Backbone).
        input_size (int): Side the LR face is resized to (bilinear).
        multi_scale (bool): Pyramid context (C3, C4, C5, global) or C5 only.
        context_channels (int): Channels of each projected pyramid level.
        ale_channels (int): Width of the ALE reduction convolutions.
        attention_reduction (int): Bottleneck ratio of the ALE attention.
        istn_positions (tuple[int]): Backbone stages whose input an ISTN warps
            (0 = the resized image, i = the output of stage i - 1).
        istn_channels (int): Width of each ISTN's localisation network.
        norm_eval (bool): Keep the backbone's BatchNorm layers in eval mode
            (their ImageNet or last statistics) while training. Batches of a few
            faces per process give noisy statistics, and frozen statistics make
            N processes of batch b train exactly as one of batch N * b.

    Shapes: (N, 3, h, w) in [-1, 1] -> (N, L, D).
    """

    def __init__(self, num_latents, style_channels, backbone=dict(type='ResNetBackbone', depth=50),
                 input_size=128, multi_scale=True, context_channels=256, ale_channels=256,
                 attention_reduction=16, istn_positions=(0, 1, 2), istn_channels=32,
                 norm_eval=False, init_cfg=None):
        super().__init__(init_cfg)
        self.norm_eval = norm_eval
        self.num_latents = num_latents
        self.style_channels = style_channels
        self.input_size = input_size
        self.multi_scale = multi_scale
        self.backbone = MODELS.build(backbone)
        channels = self.backbone.stage_channels
        bad = [p for p in istn_positions if p not in range(len(channels))]
        if bad or len(set(istn_positions)) != len(istn_positions):
            raise ValueError(f'istn_positions must be distinct stage indices in '
                             f'0..{len(channels) - 1}, got {tuple(istn_positions)}')
        self.istns = nn.ModuleDict({
            str(p): ISTN(3 if p == 0 else channels[p - 1], istn_channels) for p in istn_positions})
        levels = (2, 3, 4) if multi_scale else (4,)  # C3, C4, C5 or C5 only
        self.laterals = nn.ModuleList(nn.Conv2d(channels[i], context_channels, 1) for i in levels)
        if multi_scale:
            self.global_lateral = nn.Linear(channels[4], context_channels)
        self.context_size = feature_size(input_size, 8 if multi_scale else 32)
        context_total = context_channels * (len(levels) + int(multi_scale))
        self.ales = nn.ModuleList(
            AdaptiveLatentEncoding(context_total, self.context_size, style_channels,
                                   ale_channels, attention_reduction)
            for _ in range(num_latents))

    def train(self, mode=True):
        super().train(mode)
        if mode and self.norm_eval:
            for module in self.backbone.modules():
                if isinstance(module, nn.modules.batchnorm._BatchNorm):
                    module.eval()
        return self

    def backbone_features(self, lr):
        """(N, 3, h, w) in [-1, 1] -> the five stage outputs, ISTN-warped where configured."""
        if lr.dim() != 4 or lr.shape[1] != 3:
            raise ValueError(f'DAPEncoder expects (N, 3, h, w) faces, got {tuple(lr.shape)}')
        x = F.interpolate(lr, size=(self.input_size, self.input_size), mode='bilinear',
                          align_corners=False)
        x = self.backbone.normalize(x)
        feats = []
        for i in range(len(self.backbone.stage_channels)):
            if str(i) in self.istns:
                x = self.istns[str(i)](x)
                if feats:
                    feats[-1] = x  # later stages and the taps see the aligned map
            x = self.backbone.forward_stage(i, x)
            feats.append(x)
        return feats

    def pyramid_context(self, feats):
        """Stage outputs -> (N, C_ctx, S, S), S = ``context_size``."""
        c5 = feats[4]
        maps = [feats[i] for i in ((2, 3, 4) if self.multi_scale else (4,))]
        size = maps[0].shape[-2:]
        context = [F.interpolate(lateral(m), size=size, mode='bilinear', align_corners=False)
                   for lateral, m in zip(self.laterals, maps)]
        if self.multi_scale:
            glob = self.global_lateral(c5.mean((2, 3)))
            context.append(glob[:, :, None, None].expand(-1, -1, *size))
        return torch.cat(context, 1)

    def forward(self, lr):
        context = self.pyramid_context(self.backbone_features(lr))
        return torch.stack([ale(context) for ale in self.ales], 1)
