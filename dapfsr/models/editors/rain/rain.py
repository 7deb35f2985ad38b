"""RAIN (Luo et al., NeurIPS 2020): the style network of ASM, AdaIN with a learnt style distribution."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModel

from dapfsr.registry import MODELS
from dapfsr.models.archs import feature_statistics
from dapfsr.models.archs.adain import adaptive_instance_norm


def statistics_mlp(in_channels, hidden_channels, out_channels):
    """RAIN's fc nets, Linear ReLU Linear ReLU Linear: (N, in) -> (N, out).

    docs/baselines.md#rain-network.
    """
    return nn.Sequential(nn.Linear(in_channels, hidden_channels), nn.ReLU(),
                         nn.Linear(hidden_channels, hidden_channels), nn.ReLU(),
                         nn.Linear(hidden_channels, out_channels))


def kaiming_init_(module):
    """RAIN's ``weights_init_kaiming``: N(0, 2 / fan_in) weights of every conv and linear layer
    (``kaiming_normal``, a = 0, fan_in); biases keep PyTorch's default init."""
    for layer in module.modules():
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(layer.weight, a=0, mode='fan_in')


@MODELS.register_module()
class RAIN(BaseModel):
    """Random AdaIN: a style image's content-layer statistics through a VAE, decoded by AdaIN.

    With f the frozen ``encoder`` (its last layer the content layer, all layers the style
    layers; VGG-19 relu1_1..relu4_1 in the paper) and s = [mu | sigma] (N, 2C) of the style's
    content-layer map (sigma = sqrt(var + 1e-5), the unbiased variance as RAIN's code):

    - posterior: [psi | xi] = fc_encoder(s), (N, C') each;
    - sample: eps = psi + N(0, I) xi;
    - stylize: D(AdaIN(f(c), fc_decoder(eps))), fc_decoder(eps) = reconstructed [mu | sigma].

    Losses (RAIN's ``Net.forward``, docs/baselines.md#rain-losses-and-training), with
    t = AdaIN(f(c), fc_decoder(eps)) and g = D(t): content MSE(f_last(g), t); style
    sum_l w_l [MSE(mu_l(g), mu_l(style)) + MSE(sigma_l(g), sigma_l(style))]; latent KL
    0.5 mean(psi^2 + xi^2 - log(xi^2 + 1e-5) - 1); reconstruction MSE(fc_decoder(eps), s).
    RAIN steps the fc nets on latent + reconstruction and the decoder on content + style
    (its fc nets frozen for the second backward); here one backward of the weighted sum
    gives the same gradients, because the decoder is fed t detached from the fc nets (and
    the first two terms do not depend on the decoder).

    The decoder works in the encoder's input range: dapfsr's [-1, 1] (RAIN's [0, 1] VGG input),
    with no output activation as AdaIN's; :meth:`stylize` clamps to [-1, 1].

    Args:
        encoder (dict): Frozen feature extractor returning a list of maps (``VGG19Features``,
            ``EfficientNetLite0Features``); it loads its own weights (``self_loading_modules``).
        decoder (dict): ``AdaINDecoder``, from the content layer's C channels to 3.
        latent_channels (int, optional): C' of psi, xi, eps; default C (RAIN: 512).
        hidden_channels (int, optional): H of both fc nets; default 2C (RAIN: 1024).
        content_weight, style_weight, latent_weight, recons_weight (float): RAIN's train.py
            defaults 1, 1, 1, 5.
        style_layer_weights (Sequence[float], optional): w_l per encoder layer; None: 1 each.
        unbiased (bool): Unbiased variances in sigma (RAIN's ``torch.var`` default).
        data_preprocessor (dict): Maps faces in [0, 1] to [-1, 1].
    """

    self_loading_modules = ('encoder', )

    def __init__(self, encoder, decoder, latent_channels=None, hidden_channels=None, content_weight=1.,
                 style_weight=1., latent_weight=1., recons_weight=5., style_layer_weights=None,
                 unbiased=True, data_preprocessor=dict(type='FaceSRDataPreprocessor'), init_cfg=None):
        if isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.encoder = MODELS.build(encoder)
        self.decoder = MODELS.build(decoder)
        with torch.no_grad():
            channels = self.encoder(torch.zeros(1, 3, 32, 32))[-1].shape[1]
        if channels != self.decoder.in_channels or self.decoder.out_channels != 3:
            raise ValueError(f'RAIN decoder maps {self.decoder.in_channels} -> {self.decoder.out_channels} '
                             f'channels; the encoder\'s content layer {self.encoder.layers[-1]} has '
                             f'{channels} and images have 3')
        self.channels = channels
        self.latent_channels = latent_channels or channels
        hidden_channels = hidden_channels or 2 * channels
        self.fc_encoder = statistics_mlp(2 * channels, hidden_channels, 2 * self.latent_channels)
        self.fc_decoder = statistics_mlp(self.latent_channels, hidden_channels, 2 * channels)
        for module in (self.decoder, self.fc_encoder, self.fc_decoder):
            kaiming_init_(module)
        self.style_layer_weights = self.encoder.layer_weights(style_layer_weights)
        self.content_weight, self.style_weight = content_weight, style_weight
        self.latent_weight, self.recons_weight = latent_weight, recons_weight
        self.unbiased = unbiased

    def statistics(self, feat):
        """[mu | sigma] (N, 2C) of a map (N, C, H, W)."""
        return torch.cat(feature_statistics(feat, unbiased=self.unbiased), 1)

    def posterior(self, statistics):
        """(psi, xi), (N, C') each, of content-layer statistics (N, 2C)."""
        hidden = self.fc_encoder(statistics)
        return hidden[:, :self.latent_channels], hidden[:, self.latent_channels:]

    def style_posterior(self, style):
        """Style images (N, 3, H, W) in [-1, 1] -> (psi, xi), (N, C') each."""
        return self.posterior(self.statistics(self.encoder(style)[-1]))

    @staticmethod
    def sample_style(psi, xi):
        """eps = psi + N(0, I) xi, (N, C'), from torch's global random generator."""
        return psi + torch.randn_like(psi) * xi

    def decode_statistics(self, eps):
        """eps (N, C') -> the AdaIN target statistics (mu, sigma), (N, C) each."""
        statistics = self.fc_decoder(eps)
        return statistics[:, :self.channels], statistics[:, self.channels:]

    def check_size(self, img):
        if img.shape[-1] % self.decoder.scale or img.shape[-2] % self.decoder.scale:
            raise ValueError(f'RAIN needs image sides that are multiples of {self.decoder.scale} '
                             f'(the decoder\'s upsampling), got {tuple(img.shape[-2:])}')

    def adain_target(self, content, eps):
        """t = AdaIN(f_last(content), fc_decoder(eps)), (N, C, H/8, W/8)."""
        self.check_size(content)
        return adaptive_instance_norm(self.encoder(content)[-1], *self.decode_statistics(eps),
                                      unbiased=self.unbiased)

    def stylize(self, content, eps):
        """Content images (N, 3, H, W) in [-1, 1] with styles eps (N, C') -> (N, 3, H, W) in
        [-1, 1] (clamped); differentiable w.r.t. eps."""
        return self.decoder(self.adain_target(content, eps)).clamp(-1, 1)

    def loss(self, content, style):
        """RAIN's four weighted losses on content and style images (N, 3, H, W) in [-1, 1]."""
        style_feats = self.encoder(style)
        statistics = self.statistics(style_feats[-1])
        psi, xi = self.posterior(statistics)
        eps = self.sample_style(psi, xi)
        target = self.adain_target(content, eps)
        feats = self.encoder(self.decoder(target.detach()))
        target = target.detach()
        loss_style = 0.
        for weight, feat, style_feat in zip(self.style_layer_weights, feats, style_feats):
            (mean, std), (style_mean, style_std) = (feature_statistics(x, unbiased=self.unbiased)
                                                    for x in (feat, style_feat))
            loss_style = loss_style + weight * (F.mse_loss(mean, style_mean) + F.mse_loss(std, style_std))
        latent = 0.5 * torch.mean(psi ** 2 + xi ** 2 - torch.log(xi ** 2 + 1e-5) - 1)
        return dict(loss_content=self.content_weight * F.mse_loss(feats[-1], target),
                    loss_style=self.style_weight * loss_style,
                    loss_latent=self.latent_weight * latent,
                    loss_recons=self.recons_weight * F.mse_loss(self.fc_decoder(eps), statistics))

    def train_step(self, data, optim_wrapper):
        """One Adam step on a batch ``dict(inputs=content faces, style=style faces)`` in [0, 1]."""
        if 'style' not in data:
            raise KeyError('RAIN trains on batches with "style" faces beside the content "inputs" '
                           '(dataset type ContentStyleDataset)')
        with optim_wrapper.optim_context(self):
            content = self.data_preprocessor(data, True)['inputs']
            style = self.data_preprocessor(dict(inputs=data['style']), True)['inputs']
            losses = self(content, style, mode='loss')
        parsed, log_vars = self.parse_losses(losses)
        optim_wrapper.update_params(parsed)
        return log_vars

    def forward(self, inputs, style=None, data_samples=None, mode='tensor'):
        """``'loss'``: the losses of content ``inputs`` and ``style`` images; ``'tensor'``: the
        content stylised with one sample from each style's posterior. Images in [-1, 1]."""
        if style is None or mode not in ('loss', 'tensor'):
            raise ValueError(f'RAIN forward takes content inputs and style images in modes "loss" '
                             f'and "tensor", got mode {mode!r} with style {"missing" if style is None else "given"}')
        if mode == 'loss':
            return self.loss(inputs, style)
        return self.stylize(inputs, self.sample_style(*self.style_posterior(style)))
