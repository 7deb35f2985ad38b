"""The contract of a face-SR model: what the tools, metrics and adaptation rely on."""
from contextlib import contextmanager

from mmengine.model import BaseModel

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

    One-shot adaptation (``dapfsr.adaptation.OneShotAdaptation``, with any augmenter) fine-tunes
    a model through :meth:`adaptation_parameter_groups` (what a config's ``trainable`` may
    name), :meth:`adaptation_forward` (SR with gradients) and :meth:`adaptation_loss`;
    :attr:`hr_size` is the side of its exemplar HR faces. The latent-code augmenters
    (latent mixing, style transfer of decoder faces) also need :meth:`encode_latents`,
    :meth:`decode`, ``perceptual`` (the feature extractor F, a module returning a list of
    maps with ``perceptual_layer_weights``) and ``decoder`` (a ``StyleGANDecoder``).

    A ``refiner`` (e.g. :class:`~dapfsr.models.refiners.LRConsistencyRefiner`, beyond the
    paper) post-processes the SR faces of ``'tensor'`` and ``'predict'`` with their LR faces
    (:meth:`sr_output`), except within :meth:`unrefined`; it loads its own weights
    (``self_loading_modules``).

    Args:
        data_preprocessor (dict | nn.Module): ``FaceSRDataPreprocessor`` config.
        refiner (dict, optional): Refiner config; None: the model's output as it is.
        init_cfg (dict, optional): mmengine's weight initialisation.
    """

    self_loading_modules = ()

    def __init__(self, data_preprocessor=dict(type='FaceSRDataPreprocessor'), refiner=None, init_cfg=None):
        if isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.refiner = None if refiner is None else MODELS.build(refiner)
        if self.refiner is not None:
            self.self_loading_modules = self.self_loading_modules + ('refiner', )
        self._adapting = self._unrefined = False

    def build_frozen_decoder(self, decoder, checkpoint=None, prefix=None):
        """Build ``self.decoder`` (a StyleGAN decoder config), gradients off; with
        ``checkpoint`` it loads now (any layout :func:`load_stylegan2_checkpoint` reads) and
        joins ``self_loading_modules``, so the model's own checkpoint may leave it out."""
        self.decoder = MODELS.build(decoder)
        if checkpoint is not None:
            # here, not at the top: editors/stylegan2/ is a package of models built on this base
            from dapfsr.models.editors.stylegan2 import load_stylegan2_checkpoint
            load_stylegan2_checkpoint(self.decoder, checkpoint, prefix=prefix)
            self.self_loading_modules = self.self_loading_modules + ('decoder', )
        self.decoder.requires_grad_(False)
        return self.decoder

    @property
    def hr_size(self):
        """Side of the HR faces the model draws."""
        raise NotImplementedError(f'{type(self).__name__} does not say its HR size')

    def adaptation_parameter_groups(self):
        """What adaptation may fine-tune: ``{trainable: [(state-dict name, Parameter)]}``."""
        return {}

    def adaptable_parameters(self, trainable):
        """The (state-dict name, Parameter) pairs of the group ``trainable``, or of the union
        of a list of groups; a name the model does not have is a ValueError naming the ones
        it has."""
        groups = self.adaptation_parameter_groups()
        names = [trainable] if isinstance(trainable, str) else list(trainable)
        for name in names:
            if name not in groups:
                raise ValueError(f'{type(self).__name__} cannot adapt {name!r}: its adaptation '
                                 f'trainable is one of {tuple(groups) or "(none)"}')
        union = {key: param for name in names for key, param in groups[name]}
        return list(union.items())

    def decoder_parameter_groups(self):
        """The groups of a model whose SR faces are drawn by ``self.decoder``: phi, the AdaIN
        affines (``'style_modulation'``, Table 2 F); the per-channel biases after each
        modulated conv and to_rgb (``'synthesis_bias'``, beyond the paper: what shifts a
        layer's mean, which phi under demodulation hardly can); or every decoder parameter
        the W+ path uses, i.e. all but the mapping network (``'decoder'``, Table 2 D and E)."""
        decoder = self.decoder
        synthesis = [(n, p) for n, p in decoder.named_parameters() if not n.startswith('style_mapping.')]
        return {name: [(f'decoder.{n}', p) for n, p in named]
                for name, named in (('style_modulation', decoder.style_modulation_parameters()),
                                    ('synthesis_bias', decoder.synthesis_bias_parameters()),
                                    ('decoder', synthesis))}

    def generator_parameter_groups(self):
        """The group of a model whose SR network is ``self.generator``: all of it (``'generator'``)."""
        return {'generator': [(f'generator.{n}', p) for n, p in self.generator.named_parameters()]}

    def adaptation_forward(self, lr):
        """SR faces (N, 3, H, W) in [-1, 1] of LR faces (N, 3, h, w), with gradients to the
        adapted parameters (and, where the model allows, to ``lr``); refined only where the
        refiner says ``in_adaptation``."""
        self._adapting = True
        try:
            return self(lr, mode='tensor')
        finally:
            self._adapting = False

    def refine(self, sr, lr, adapting=False):
        """SR faces (N, 3, H, W) made consistent with their LR faces (N, 3, h, w) by the
        refiner, if any (and, while adapting, if it is ``in_adaptation``)."""
        if self.refiner is None or self._unrefined or (adapting and not self.refiner.in_adaptation):
            return sr
        return self.refiner(sr, lr)

    @contextmanager
    def unrefined(self):
        """Within it, the SR faces as the model draws them (the paper's variant): the
        refiner, if any, is skipped; its state (e.g. a task's calibration) is kept."""
        self._unrefined = True
        try:
            yield self
        finally:
            self._unrefined = False

    def sr_output(self, sr, lr, data_samples, mode):
        """What ``forward`` returns for SR faces of ``lr`` in ``'tensor'`` / ``'predict'``
        mode: the refined faces, or the samples with them packed."""
        sr = self.refine(sr, lr, adapting=self._adapting)
        return self.pack_sr_predictions(sr, data_samples) if mode == 'predict' else sr

    def adaptation_loss(self, sr, hr):
        """The loss adaptation fine-tunes on: dict of named scalars for SR / HR faces."""
        raise NotImplementedError(f'{type(self).__name__} has no adaptation loss')

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
