"""The one-shot adaptation loop of Algorithm 1, with any augmenter (or none)."""
import contextlib
import threading
import time

import torch
from mmengine.logging import print_log
from mmengine.runner import set_random_seed

from dapfsr.registry import ADAPTATIONS, MODELS, OPTIMIZERS
from dapfsr.utils.distributed import unwrap_model
from .degradation import PipelineDegradation

_progress = threading.local()


class AdaptationCancelled(Exception):
    """Raised by a :meth:`OneShotAdaptation.run` ``callback`` to stop the adaptation (a cancel button);
    the model is then left part-adapted, its ``requires_grad`` flags and mode restored."""


@contextlib.contextmanager
def adaptation_callback(callback):
    """Within the block, :meth:`OneShotAdaptation.run` calls made in this thread without a ``callback``
    use ``callback``: the way to reach the calls that :func:`dapfsr.adaptation.adapt` and
    ``adapt_and_save`` make (a web page's progress bar and cancel button). Other threads
    (another session's adaptation) are not affected."""
    previous = getattr(_progress, 'callback', None)
    _progress.callback = callback
    try:
        yield
    finally:
        _progress.callback = previous


@ADAPTATIONS.register_module()
class OneShotAdaptation:
    r"""Adapt a trained face-SR model to a target domain from K exemplar pairs.

    The loop of Algorithm 1, with the augmenter making the target-style pairs (DAMMA,
    :class:`~dapfsr.adaptation.DAMMA`, is this loop with latent mixing; ASM's rows run it
    with :class:`AdversarialStyleMining`; without an augmenter it is direct fine-tuning)::

        for outer in 1..outer_iters:                        # line 1
            augmenter.reset(model, exemplars, batch_size)   # lines 2-4: w^t, w^s, alpha <- alpha_0
            for inner in 1..inner_iters:                    # line 5
                alpha <- alpha - xi grad L(alpha)           # line 6, Eq. 7 (augmenter.loss)
                HR = G(w^m), LR = degrade(HR)               # line 7, Eq. 6 (augmenter.generate)
                phi <- phi - eta grad L(phi)                # line 8, Eq. 5

    Choices where the paper is silent:

    - What phi is trained against (line 8): the model's ``adaptation_loss`` (DAP-FSR:
      Eq. 5, MSE + perceptual MSE) between its SR output (``adaptation_forward``;
      DAP-FSR: G_phi(mu_w + E(LR) sigma_w)) and HR, on a batch of the generated pairs
      plus the K real exemplar pairs. Any face-SR model with that surface adapts
      (:class:`~dapfsr.models.BaseFaceSRModel`), e.g. a baseline behind ASM. The
      generated HR faces are drawn by the current decoder and carry
      no gradient: they are the targets, and only the SR path learns. The
      generated pairs teach the decoder to render the target style from what
      the encoder makes of target-style LR faces; the real exemplars anchor it
      to the actual target domain (the generated faces alone could drift with
      the decoder that draws them).
    - Batch size: ``batch_size`` source latents per outer iteration, shared by
      its inner iterations (line 3 draws them before the loop).
    - The update rules of lines 6 and 8 are plain gradient steps; the
      optimizer is a config choice (``optimizer``, Adam by default, whose step
      does not depend on the scale of the perceptual features; ``type='SGD'``
      gives the literal rule), rebuilt for alpha at every outer iteration as
      alpha restarts from alpha_0. ``augmenter_optimizer`` may give the augmenter
      its own rule (ASM's normalised ascent is SGD on ``-20 log L``).
    - An augmenter whose :meth:`~BaseAugmenter.loss` returns None in an inner
      iteration is not stepped in it (ASM trains phi on the sampled style first).
    - The encoder, the perceptual extractor and every decoder tensor outside
      the trainable set stay bit-identical; the model runs in eval mode.

    Args:
        outer_iters (int): Outer iterations of Algorithm 1.
        inner_iters (int): Inner iterations n per outer iteration.
        batch_size (int): Generated pairs per inner iteration.
        lr_alpha (float): xi, learning rate of the augmenter's parameters.
        lr_phi (float): eta, learning rate of the adapted parameters.
        augmenter (dict | None): Augmenter config (:class:`BaseAugmenter`);
            None (the default) fine-tunes on the exemplars alone (Table 3, direct
            fine-tuning).
        degradation (list[dict], optional): The transforms making LR faces from
            HR ones (``results['gt']`` -> ``results['lr']``), as in the
            training data; given to the augmenter and used for exemplars
            without an LR file.
        trainable (str): The model's parameter group to adapt (its
            ``adaptation_parameter_groups``). DAP-FSR and PULSE:
            ``'style_modulation'``: phi, the AdaIN affines of every modulated conv
            and to_rgb (Table 2, F); ``'decoder'``: every decoder parameter the W+
            path uses, i.e. all but the mapping network (Table 2, D and E). MTDN,
            CPGAN: ``'generator'``. Beyond the paper: DAP-FSR and PULSE's ``'synthesis_bias'``
            (the biases after each modulated conv and to_rgb), DAP-FSR's ``'encoder_norm'``
            (the encoder's batch-norm scales and shifts); a list adapts the union of groups,
            e.g. ``['style_modulation', 'synthesis_bias']``.
        optimizer (dict): Optimizer config without ``params`` and ``lr``.
        augmenter_optimizer (dict, optional): The same for the augmenter's
            parameters; None: ``optimizer``.
        log_interval (int): Inner iterations between log lines.
        exemplar_weight (float, optional): Share of Eq. 5 that the K real exemplar
            pairs get in each phi step, the generated pairs the rest:
            ``(1 - w) L(generated) + w L(exemplars)``. None pools all pairs into one
            batch (the exemplars then weigh K / (K + batch_size)).
    """

    def __init__(self, outer_iters, inner_iters, batch_size, lr_alpha, lr_phi,
                 augmenter=None, degradation=None,
                 trainable='style_modulation', optimizer=dict(type='Adam'), log_interval=10,
                 exemplar_weight=None, augmenter_optimizer=None):
        for name, value in (('outer_iters', outer_iters), ('inner_iters', inner_iters),
                            ('batch_size', batch_size)):
            if int(value) != value or value < 1:
                raise ValueError(f'{type(self).__name__} {name} must be a positive integer, got {value!r}')
        self.outer_iters, self.inner_iters = int(outer_iters), int(inner_iters)
        self.batch_size = int(batch_size)
        self.lr_alpha, self.lr_phi = lr_alpha, lr_phi
        self.degradation = PipelineDegradation(degradation) if degradation else None
        if augmenter is not None:
            augmenter = MODELS.build(augmenter, default_args=dict(degradation=self.degradation))
        self.augmenter = augmenter
        self.trainable = trainable
        self.optimizer = dict(optimizer)
        self.augmenter_optimizer = dict(augmenter_optimizer or optimizer)
        self.log_interval = log_interval
        if exemplar_weight is not None and not 0 <= exemplar_weight <= 1:
            raise ValueError(f'{type(self).__name__} exemplar_weight must lie in [0, 1], got {exemplar_weight!r}')
        self.exemplar_weight = exemplar_weight
        self.history = []

    def trainable_parameters(self, model):
        """The adapted parameters as (name in ``model.state_dict()``, Parameter)."""
        return model.adaptable_parameters(self.trainable)

    @staticmethod
    def build_optimizer(cfg, params, lr):
        return OPTIMIZERS.build(dict(cfg, params=params, lr=lr))

    def run(self, model, exemplars, seed=None, callback=None):
        """Adapt ``model`` in place.

        Args:
            model: A face-SR model (or a wrapper of one) loaded from the source checkpoint.
            exemplars (Exemplars): The K target pairs in [-1, 1].
            seed (int, optional): Seeds python, numpy and torch first, so two
                runs give identical parameters.
            callback (callable, optional): Called after each inner iteration as
                ``callback(step, total)`` (step 1 .. outer_iters x inner_iters), e.g. for a
                progress bar; raising :class:`AdaptationCancelled` (or anything) in it stops
                the adaptation, the exception propagating. Default: the one set by
                :func:`adaptation_callback` in this thread, else none. It draws no random
                numbers, so the result is the same with or without it.

        Returns:
            list[dict]: One record per inner iteration: ``outer``, ``inner``,
            the augmenter's losses (``loss_content``, ``loss_style``), Eq. 5's
            (``loss_pixel``, ``loss_perceptual``) and ``alpha`` when mixing.
        """
        if seed is not None:
            set_random_seed(seed)
        model = unwrap_model(model)
        device = next(model.parameters()).device
        exemplars = exemplars.to(device)
        params = [p for _, p in self.trainable_parameters(model)]
        flags = [(p, p.requires_grad) for p in model.parameters()]
        was_training = model.training
        model.eval()
        model.requires_grad_(False)
        for p in params:
            p.requires_grad_(True)
        if self.degradation is not None:
            self.degradation.reset()
        phi_optimizer = self.build_optimizer(self.optimizer, params, self.lr_phi)
        print_log(f'{type(self).__name__}: {self.outer_iters} x {self.inner_iters} iterations, {len(exemplars)} '
                  f'exemplar(s), {self.batch_size} generated pairs per step, adapting '
                  f'{sum(p.numel() for p in params)} parameters ({self.trainable})', logger='current')
        start = time.perf_counter()
        self.history = []
        callback = callback if callback is not None else getattr(_progress, 'callback', None)
        total = self.outer_iters * self.inner_iters
        try:
            for outer in range(self.outer_iters):
                alpha_optimizer, alpha_params = None, []
                if self.augmenter is not None:
                    self.augmenter.reset(model, exemplars, self.batch_size)
                    alpha_params = [p for p in self.augmenter.parameters() if p.requires_grad]
                    if alpha_params:
                        alpha_optimizer = self.build_optimizer(self.augmenter_optimizer, alpha_params,
                                                               self.lr_alpha)
                for inner in range(self.inner_iters):
                    record = dict(outer=outer, inner=inner)
                    augmenter_losses = self.augmenter.loss(model, exemplars) if alpha_optimizer else None
                    if augmenter_losses:
                        record.update(self.step(alpha_optimizer, alpha_params, augmenter_losses))
                    if self.augmenter is not None:
                        record.update(self.augmenter.log_values())
                    record.update(self.step(phi_optimizer, params, self.phi_loss(model, exemplars)))
                    self.history.append(record)
                    self.log(record)
                    if callback is not None:
                        callback(len(self.history), total)
        finally:
            for p, flag in flags:
                p.requires_grad_(flag)
            model.train(was_training)
        print_log(f'{type(self).__name__}: adapted in {time.perf_counter() - start:.1f} s', logger='current')
        return self.history

    @staticmethod
    def step(optimizer, params, losses):
        """One gradient step of ``params`` on the sum of ``losses``; their values as floats."""
        optimizer.zero_grad(set_to_none=True)
        sum(losses.values()).backward(inputs=params)
        optimizer.step()
        return {name: loss.item() for name, loss in losses.items()}

    def phi_loss(self, model, exemplars):
        """Eq. 5 on the generated pairs plus the exemplars (Algorithm 1, line 8)."""
        hr, lr, num = exemplars.hr, exemplars.lr, 0
        if self.augmenter is not None:
            gen_hr, gen_lr = self.augmenter.generate(model, exemplars, self.batch_size)
            hr, lr, num = torch.cat([gen_hr, hr]), torch.cat([gen_lr, lr]), gen_hr.shape[0]
        sr = model.adaptation_forward(lr)
        if self.augmenter is None or self.exemplar_weight is None:
            return model.adaptation_loss(sr, hr)
        # the loss averages over its batch: the generated and the real pairs separately
        generated = model.adaptation_loss(sr[:num], hr[:num])
        real = model.adaptation_loss(sr[num:], hr[num:])
        return {name: (1 - self.exemplar_weight) * generated[name] + self.exemplar_weight * real[name]
                for name in generated}

    def log(self, record):
        if (record['inner'] + 1) % self.log_interval and record['inner'] + 1 != self.inner_iters:
            return
        losses = '  '.join(f'{k} {v:.4f}' for k, v in record.items() if k.startswith('loss_'))
        alpha = record.get('alpha')
        alpha = f'  alpha mean {sum(alpha) / len(alpha):.3f}' if alpha else ''
        print_log(f'{type(self).__name__} [{record["outer"] + 1}/{self.outer_iters}][{record["inner"] + 1}/'
                  f'{self.inner_iters}]  {losses}{alpha}', logger='current')
