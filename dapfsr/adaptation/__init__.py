"""Deployment stage (sec. 4.2): one-shot adaptation of a trained model to a target domain."""
from .adapt import Adapted, adapt, adapt_and_save, calibrate_refiner, exemplar_grids
from .augmenters import (AdaINStyleTransfer, BaseAugmenter, ColorStatisticsTransfer, HardLatentMixing,
                         LatentMixing, SoftLatentMixing, mix_latents)
from .damma import DAMMA
from .degradation import PipelineDegradation
from .delta import (adapted_parameters_path, load_adapted_parameters, read_adapted_parameters,
                    save_adapted_parameters)
from .exemplars import (Exemplars, exemplars_from_samples, file_exemplars, load_exemplar_files, one_shot_task,
                        protocol_exemplars)
from .losses import content_loss, feature_statistics, style_loss
from .one_shot_adaptation import AdaptationCancelled, OneShotAdaptation, adaptation_callback

__all__ = [
    'adapt', 'adapt_and_save', 'calibrate_refiner', 'exemplar_grids', 'Adapted', 'adapted_parameters_path',
    'BaseAugmenter', 'LatentMixing', 'SoftLatentMixing', 'HardLatentMixing', 'AdaINStyleTransfer',
    'ColorStatisticsTransfer', 'mix_latents', 'OneShotAdaptation', 'DAMMA', 'AdaptationCancelled',
    'adaptation_callback', 'one_shot_task',
    'PipelineDegradation', 'save_adapted_parameters', 'load_adapted_parameters',
    'read_adapted_parameters', 'Exemplars', 'exemplars_from_samples', 'load_exemplar_files',
    'file_exemplars', 'protocol_exemplars',
    'content_loss', 'feature_statistics', 'style_loss'
]
