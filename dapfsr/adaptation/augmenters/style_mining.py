"""Adversarial style mining (ASM, Luo et al., NeurIPS 2020): source faces in styles mined
around the one exemplar's, for any face-SR model (the +ASM rows of Tables 1 and 3)."""
import os.path as osp

import numpy as np
import torch
import torch.nn as nn
from mmengine.config import Config

from dapfsr.datasets.transforms import image_to_tensor
from dapfsr.registry import DATASETS, MODELS
from dapfsr.utils.checkpoint import load_model_weights
from dapfsr.utils.matlab_resize import imresize
from ..exemplars import to_model_range
from .base import BaseAugmenter


@MODELS.register_module()
class AdversarialStyleMining(BaseAugmenter):
    r"""ASM's loop as an augmenter of :class:`~dapfsr.adaptation.DAMMA`.

    Per outer iteration (:meth:`reset`): ``num`` source HR faces x are drawn from
    ``source_faces`` and one style eps ~ N(psi, xi^2) per face around the RAIN posterior
    (psi, xi) of the exemplar's HR face (exemplar i mod K for face i). Per inner iteration
    the model trains on [S(x, eps); x] (the stylised faces and, as ASM does, the
    originals), each degraded by the benchmark's own LR pipeline. Before every inner
    iteration but the first, eps moves up the task loss L = the model's
    ``adaptation_loss`` of its SR of degrade(S(x, eps)) against S(x, eps):

        eps <- eps + step / L * grad_eps L

    (ASM's code: ``sampling + (20 / loss) * grad``), given to the adaptation loop as
    ``loss_mining = -step log L`` for SGD at learning rate 1 (``lr_alpha=1``,
    ``augmenter_optimizer=dict(type='SGD')`` in the configs), whose gradient is exactly
    ``-step / L grad L``. So, as in ASM, the first step of each iteration trains on the
    sampled style and the next on the mined one.

    Choices where the public code is silent (it segments street scenes, without an LR):

    - The LR face of the mining step is the pipeline's degradation, whose random affine
      and uint8 rounding have no gradient; grad_eps L takes the gradient of a MATLAB
      bicubic resize to the LR size in its place (a straight-through estimate: the value
      is the pipeline's LR face). A model whose SR has no gradient to its input (PULSE's
      search) mines through the HR target alone.
    - eps is mined at the current model, after its step on the sampled style (ASM
      computes both from one loss before either step).

    Args:
        style_network (str | dict): The RAIN model config (:class:`~dapfsr.models.RAIN`),
            or a config file whose ``model`` it is (e.g. ``configs/rain/rain_small_*.py``).
        style_checkpoint (str): Its trained weights.
        source_faces (dict): Dataset config of source-domain HR faces, whose pipeline
            leaves ``results['gt']`` at the model's HR size (e.g. the source training set
            loaded, cropped and resized; no LR transforms).
        mining_step (float): ``step`` above (ASM: 20).
        include_source (bool): Train on the unstylised faces too (ASM does).
        degradation: See :class:`BaseAugmenter`.
    """

    def __init__(self, style_network, style_checkpoint, source_faces, mining_step=20.0,
                 include_source=True, degradation=None):
        super().__init__(degradation)
        if isinstance(style_network, str):
            if not osp.isfile(style_network):
                raise FileNotFoundError(f'AdversarialStyleMining style_network config not found: {style_network}')
            style_network = Config.fromfile(style_network).model
        self.style_network = MODELS.build(style_network)
        load_model_weights(self.style_network, style_checkpoint, style_network,
                           config_name='the augmenter\'s style_network')
        self.style_network.requires_grad_(False).eval()
        self.source_faces = DATASETS.build(source_faces)
        if len(self.source_faces) == 0:
            raise ValueError('AdversarialStyleMining: source_faces holds no face')
        self.mining_step = mining_step
        self.include_source = include_source
        self.content = None
        self.style_latents = None
        self.num_mining_calls = 0

    def train(self, mode=True):
        return super().train(False)  # the style network is frozen

    def draw_source_faces(self, model, num):
        """``num`` random source HR faces (num, 3, H, W) in [-1, 1] (numpy's global RNG, which
        :func:`mmengine.runner.set_random_seed` seeds)."""
        faces = []
        for index in np.random.randint(len(self.source_faces), size=num):
            results = self.source_faces[int(index)]
            if 'gt' not in results:
                raise KeyError(f'AdversarialStyleMining: the source_faces pipeline gave no "gt" image '
                               f'(keys {sorted(results)}); end it before PackFaceInputs')
            faces.append(image_to_tensor(results['gt']))
        faces = torch.stack(faces)
        if faces.shape[-1] != model.hr_size:
            raise ValueError(f'source faces are {faces.shape[-1]} px; the model draws {model.hr_size} px '
                             'faces: resize them in the source_faces pipeline')
        return to_model_range(model, faces)

    def reset(self, model, exemplars, num):
        self.to(exemplars.hr.device)
        self.content = self.draw_source_faces(model, num)
        style, _ = exemplars.for_batch(num)
        with torch.no_grad():
            psi, xi = self.style_network.style_posterior(style)
            eps = self.style_network.sample_style(psi, xi)
        self.style_latents = nn.Parameter(eps)
        self.num_mining_calls = 0

    def stylized(self):
        return self.style_network.stylize(self.content, self.style_latents)

    def loss(self, model, exemplars):
        self.num_mining_calls += 1
        if self.num_mining_calls == 1:
            return None  # train on the sampled style first
        hr = self.stylized()
        lr_size = tuple(exemplars.lr.shape[-2:])
        surrogate = imresize(hr, size=lr_size)
        lr = self.degradation(hr) + surrogate - surrogate.detach()
        task = sum(model.adaptation_loss(model.adaptation_forward(lr), hr).values())
        return dict(loss_mining=-self.mining_step * task.clamp_min(1e-12).log())

    def generate_hr(self, model, exemplars, num):
        if self.content is None or self.content.shape[0] != num:
            self.reset(model, exemplars, num)
        hr = self.stylized()
        return torch.cat([hr, self.content]) if self.include_source else hr
