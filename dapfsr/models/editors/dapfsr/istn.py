"""Instance Spatial Transformer Network (ISTN, sec. 4.1 and Fig. 2c)."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from dapfsr.registry import MODELS


@MODELS.register_module()
class ISTN(BaseModule):
    """Warp a map by an affine transform predicted from its instance-normalised self.

    The instance normalisation before the localisation network removes each
    map's per-channel mean and scale (illumination, colour: the "style"), so
    the predicted transform depends on the face's geometry only and still holds
    on a target domain. The last layer starts at zero weight and identity bias,
    so the module is the identity at initialisation.

    Args:
        in_channels (int): Channels C of the warped map.
        hidden_channels (int): Width of the localisation network.
        pool_size (int): The localisation features are pooled to this square
            grid before the fully connected layers (keeps where things are).
        padding_mode (str): ``grid_sample`` padding outside the map.

    Shapes: ``forward`` (N, C, H, W) -> (N, C, H, W); ``transform`` -> theta
    (N, 2, 3), the map from output to input coordinates of ``affine_grid``.
    """

    def __init__(self, in_channels, hidden_channels=32, pool_size=4, padding_mode='zeros',
                 init_cfg=None):
        super().__init__(init_cfg)
        self.localization = nn.Sequential(
            nn.InstanceNorm2d(in_channels, affine=False),
            nn.Conv2d(in_channels, hidden_channels, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(hidden_channels, hidden_channels, 3, stride=2, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(pool_size), nn.Flatten(),
            nn.Linear(hidden_channels * pool_size ** 2, 2 * hidden_channels), nn.ReLU())
        self.to_theta = nn.Linear(2 * hidden_channels, 6)
        nn.init.zeros_(self.to_theta.weight)
        with torch.no_grad():
            self.to_theta.bias.copy_(torch.tensor([1., 0., 0., 0., 1., 0.]))
        self.padding_mode = padding_mode

    def transform(self, x):
        return self.to_theta(self.localization(x)).view(-1, 2, 3)

    def forward(self, x):
        grid = F.affine_grid(self.transform(x), list(x.shape), align_corners=False)
        return F.grid_sample(x, grid, padding_mode=self.padding_mode, align_corners=False)
