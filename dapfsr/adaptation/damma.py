"""DAMMA, Algorithm 1: domain-aware latent mixing and constrained model adaptation."""
from dapfsr.registry import ADAPTATIONS
from .augmenters import LatentMixing
from .one_shot_adaptation import OneShotAdaptation


@ADAPTATIONS.register_module()
class DAMMA(OneShotAdaptation):
    """:class:`OneShotAdaptation` whose pairs are drawn from mixed latents (Eq. 6), as
    Algorithm 1 has it: ``SoftLatentMixing`` learns alpha by Eq. 7-9 (Table 2, E and F),
    ``HardLatentMixing`` fixes it (Table 2, D), and phi is the ``trainable`` group.

    Args:
        augmenter (dict): A latent mixing (:class:`LatentMixing`); fine-tuning without
            one or with another augmenter (Table 3's direct fine-tuning and style
            transfer, ASM) is ``type='OneShotAdaptation'``.
        **kwargs: The loop's arguments (:class:`OneShotAdaptation`).

    Raises:
        ValueError: ``augmenter`` is not a latent mixing; names ``OneShotAdaptation``.
    """

    def __init__(self, *args, augmenter=dict(type='SoftLatentMixing'), **kwargs):
        super().__init__(*args, augmenter=augmenter, **kwargs)
        if not isinstance(self.augmenter, LatentMixing):
            name = type(self.augmenter).__name__ if self.augmenter is not None else 'None'
            raise ValueError(f"DAMMA mixes latents (Algorithm 1); augmenter {name} is not a latent "
                             "mixing: use type='OneShotAdaptation' for fine-tuning without one or "
                             'with another augmenter')
