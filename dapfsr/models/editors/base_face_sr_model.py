"""The contract of a face-SR model: what the tools, metrics and adaptation rely on."""
from mmengine.model import BaseModel

from dapfsr.models.decoders import load_stylegan2_checkpoint
from dapfsr.registry import MODELS
from dapfsr.structures import FaceSRDataSample


class BaseFaceSRModel(BaseModel):
    """Base of the face-SR models (DAP-FSR, the baselines).

    Every subclass gives ``forward(inputs, data_samples=None, mode)`` with LR faces
    ``inputs`` (N, C, h, w) in [-1, 1] (after the ``FaceSRDataPreprocessor``):
    ``'tensor'`` -> SR faces (N, 3, H, W) in [-1, 1]; ``'predict'`` -> the samples with
    ``pred_img`` set by :meth:`pack_sr_predictions`; ``'loss'`` -> a dict of losses
    (trainable models). ``self_loading_modules`` names the sub-modules that load
    their own pretrained weights when built, which a checkpoint may leave out.

    A model that one-shot adaptation (``dapfsr.adaptation``, Algorithm 1) can adapt
    also gives :meth:`encode_latents`, :meth:`decode`, ``loss(sr, gt)`` (Eq. 5),
    ``perceptual`` (the feature extractor F, a module returning a list of maps with
    ``perceptual_layer_weights``) and ``decoder`` (a ``StyleGANDecoder``, whose
    ``style_modulation_parameters()`` are phi).

    Args:
        data_preprocessor (dict | nn.Module): ``FaceSRDataPreprocessor`` config.
        init_cfg (dict, optional): mmengine's weight initialisation.
    """

    self_loading_modules = ()

    def __init__(self, data_preprocessor=dict(type='FaceSRDataPreprocessor'), init_cfg=None):
        if isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)

    def build_frozen_decoder(self, decoder, checkpoint=None, prefix=None):
        """Build ``self.decoder`` (a StyleGAN decoder config), gradients off; with
        ``checkpoint`` it loads now (any layout :func:`load_stylegan2_checkpoint` reads) and
        joins ``self_loading_modules``, so the model's own checkpoint may leave it out."""
        self.decoder = MODELS.build(decoder)
        if checkpoint is not None:
            load_stylegan2_checkpoint(self.decoder, checkpoint, prefix=prefix)
            self.self_loading_modules = self.self_loading_modules + ('decoder', )
        self.decoder.requires_grad_(False)
        return self.decoder

    def encode_latents(self, lr):
        """LR faces (N, 3, h, w) in [-1, 1] -> latent codes (N, L, D) (adaptable models)."""
        raise NotImplementedError(f'{type(self).__name__} has no latent codes to adapt')

    def decode(self, w):
        """Latent codes (N, L, D) -> faces (N, 3, H, W) in [-1, 1] (adaptable models)."""
        raise NotImplementedError(f'{type(self).__name__} has no decoder to adapt')

    @staticmethod
    def pack_sr_predictions(sr, data_samples=None):
        """Set ``pred_img`` (C, H, W) in [0, 1] on each sample from SR faces (N, 3, H, W) in [-1, 1].

        C = 1 (the mean of RGB, the inverse of the preprocessor's gray replication)
        when the sample's HR face, or without one its LR face, is gray.
        """
        if data_samples is None:
            data_samples = [FaceSRDataSample() for _ in range(sr.shape[0])]
        images = ((sr.detach() + 1) / 2).clamp(0, 1)
        for sample, img in zip(data_samples, images):
            reference = sample.gt_img if 'gt_img' in sample else sample.get('lr_img')
            gray = reference is not None and reference.shape[0] == 1
            sample.pred_img = img.mean(0, keepdim=True) if gray else img
        return data_samples
