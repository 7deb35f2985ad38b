"""The interface between the adaptation loop and whatever makes target-style training pairs."""
import torch
import torch.nn as nn

from dapfsr.registry import MODELS
from ..degradation import PipelineDegradation


@MODELS.register_module()
class BaseAugmenter(nn.Module):
    """Turns K exemplars into many target-style HR/LR pairs (Algorithm 1, lines 2-7).

    The adaptation loop (:class:`~dapfsr.adaptation.DAMMA`) calls, per outer
    iteration, :meth:`reset` once, then per inner iteration :meth:`loss` (and
    steps the augmenter's own parameters, e.g. the mixing weight alpha, on it
    with ``lr_alpha``) and :meth:`generate`; it trains the model on the pairs.
    The loop owns which model parameters change and how; an augmenter only
    makes data. A new augmenter (e.g. ASM) subclasses this, implements
    :meth:`generate_hr` and, if it learns something, :meth:`loss`.

    Args:
        degradation (PipelineDegradation | list[dict]): Makes the LR face of
            each generated HR face, with the transforms of the training data.
            DAMMA passes its own when the augmenter's config has none.
    """

    def __init__(self, degradation=None):
        super().__init__()
        if degradation is None:
            raise ValueError(f'{type(self).__name__} needs a degradation (the transforms that make '
                             'LR faces, e.g. adaptation.degradation in the config)')
        self.degradation = (degradation if isinstance(degradation, PipelineDegradation)
                            else PipelineDegradation(degradation))

    def reset(self, model, exemplars, num):
        """Start an outer iteration: draw what the next ``num``-pair batches share.

        Args:
            model: The DAPFSR model being adapted (``encode_latents``,
                ``decode``, ``perceptual``, ``decoder``).
            exemplars (Exemplars): The K target pairs in [-1, 1].
            num (int): Pairs per batch.
        """

    def loss(self, model, exemplars):
        """The objective of the augmenter's own parameters, or None when it has none.

        Returns:
            dict[str, Tensor] | None: Named scalar losses whose sum the loop
            minimises over ``self.parameters()``.
        """
        return None

    def log_values(self):
        """Values the adaptation loop records with each step (e.g. LatentMixing's alpha)."""
        return {}

    def generate_hr(self, model, exemplars, num):
        """``num`` target-style HR faces, (num, C, H, W) in [-1, 1]."""
        raise NotImplementedError

    @torch.no_grad()
    def generate(self, model, exemplars, num):
        """``num`` target-style training pairs.

        Returns:
            tuple[Tensor, Tensor]: HR (num, C, H, W) and LR (num, C, h, w), in
            [-1, 1], no gradient.
        """
        hr = self.generate_hr(model, exemplars, num).detach()
        return hr, self.degradation(hr)
