"""Weight averages of a trained network, as mmengine averaged models (``.module``, ``steps``)."""
import torch
from mmengine.model import BaseAveragedModel

from dapfsr.registry import MODELS


@MODELS.register_module()
class HalfLifeEMA(BaseAveragedModel):
    r"""Exponential moving average of a network's weights with a half-life in images.

    The EMA generator ``G_ema`` of StyleGAN2 / StyleGAN2-ADA
    (``training/training_loop.py`` of NVlabs/stylegan2-ada-pytorch; mmagic's
    ``RampUpEMA``). After a training step that showed the network
    ``num_images`` images, ``seen_images`` images since the start of training
    (this step's included)::

        half_life = half_life_kimg * 1000                        # [images]
        if rampup is not None:
            half_life = min(half_life, rampup * seen_images)     # ramp-up
        beta = 0.5 ** (num_images / max(half_life, eps))         # weight of the old average
        ema = beta * ema + (1 - beta) * model                    # each floating-point parameter
        ema_buffer = model_buffer                                # buffers copied

    so a step's weights count half as much ``half_life`` images later. The
    ramp-up keeps the half-life at most ``rampup`` times the images seen, so the
    average of a young run follows its network instead of the random start.

    Unlike :meth:`BaseAveragedModel.update_parameters`, the first update
    averages too: the average starts as the copy of ``model`` made at
    construction (StyleGAN2's ``G_ema = copy.deepcopy(G)``), not as a copy of
    the weights after the first step. ``seen_images`` counts this step's images
    (StyleGAN2-ADA adds them after the update, which makes its first update a copy).

    The averaged network is :attr:`module` (state-dict keys ``module.*``) and
    :attr:`steps` counts the updates, as in every mmengine averaged model;
    calling this module calls :attr:`module`.

    Args:
        model (nn.Module): The network to average; copied (gradients off).
        half_life_kimg (float): Half-life of the average in thousands of images.
        rampup (float | None): Half-life at most ``rampup * seen_images``
            (StyleGAN2-ADA uses 0.05); None: the half-life is constant.
        batch_size (int | None): ``num_images`` of an update that does not pass
            one (e.g. from mmengine's ``EMAHook``); None: every update must pass it.
        eps (float): Lower bound of the half-life in images.
        device (torch.device, optional): Where the average lives; default: where
            ``model`` is.
        update_buffers (bool): Average floating-point buffers too instead of
            copying them (the noise maps and mu_w / sigma_w of a generator are
            meant to be copied).
    """

    def __init__(self, model, half_life_kimg=10., rampup=None, batch_size=None, eps=1e-8,
                 device=None, update_buffers=False):
        super().__init__(model, interval=1, device=device, update_buffers=update_buffers)
        if half_life_kimg < 0 or (rampup is not None and rampup <= 0):
            raise ValueError(f'HalfLifeEMA needs half_life_kimg >= 0 and rampup > 0 or None, got '
                             f'half_life_kimg={half_life_kimg}, rampup={rampup}')
        self.half_life_kimg = half_life_kimg
        self.rampup = rampup
        self.batch_size = batch_size
        self.eps = eps
        self.beta = None  # of the latest update

    def ema_beta(self, num_images, seen_images):
        """Weight of the old average in an update after ``num_images`` images,
        ``seen_images`` in all (the formula above)."""
        half_life = self.half_life_kimg * 1000
        if self.rampup is not None:
            half_life = min(half_life, seen_images * self.rampup)
        return 0.5 ** (num_images / max(half_life, self.eps))

    def avg_func(self, averaged_param, source_param, steps):
        """``averaged_param <- beta * averaged_param + (1 - beta) * source_param`` in place,
        with the ``beta`` of the current update (:meth:`update_parameters`).

        Args:
            averaged_param (Tensor): A parameter of :attr:`module`, any shape.
            source_param (Tensor): The same parameter of the trained network.
            steps (Tensor): Updates done before this one (unused: ``beta``
                depends on images, not steps).
        """
        averaged_param.lerp_(source_param, 1 - self.beta)

    @torch.no_grad()
    def update_parameters(self, model, num_images=None, seen_images=None):
        """Average ``model``'s current weights into :attr:`module`.

        Args:
            model (nn.Module): The trained network (unwrapped), with the
                architecture of :attr:`module`.
            num_images (int, optional): Images of the step just taken; default
                ``batch_size``.
            seen_images (int, optional): Images seen since the start, this
                step's included; default ``(steps + 1) * num_images``.
        """
        num_images = self.batch_size if num_images is None else num_images
        if num_images is None:
            raise ValueError('HalfLifeEMA.update_parameters needs num_images (or batch_size '
                             'given when it is built)')
        if seen_images is None:
            seen_images = (int(self.steps) + 1) * num_images
        self.beta = self.ema_beta(num_images, int(seen_images))
        source = model.state_dict() if self.update_buffers else dict(model.named_parameters())
        for name, averaged in self.avg_parameters.items():
            if averaged.dtype.is_floating_point:
                self.avg_func(averaged.data, source[name].data.to(averaged.device), self.steps)
            else:
                averaged.data.copy_(source[name].data)
        if not self.update_buffers:
            for averaged, buffer in zip(self.module.buffers(), model.buffers()):
                averaged.data.copy_(buffer.data.to(averaged.device))
        self.steps += 1

    def extra_repr(self):
        return f'half_life_kimg={self.half_life_kimg}, rampup={self.rampup}'
