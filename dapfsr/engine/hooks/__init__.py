from .latent_statistics_hook import LatentStatisticsHook  # noqa: F401
from .result_grid_hook import ResultGridHook  # noqa: F401
from .sample_grid_hook import SampleGridHook  # noqa: F401
from .loss_weight_decay_hook import LossWeightDecayHook  # noqa: F401
from .style_grid_hook import StyleGridHook  # noqa: F401
from .checkpoint_hook import AtomicCheckpointHook  # noqa: F401
from .one_shot_adaptation_hook import OneShotAdaptationHook  # noqa: F401
