"""Registries of dapfsr: children of mmengine's root registries.

Every component is registered here and built from a config dict, as in other
OpenMMLab codebases. ``locations`` lets a registry import the package that
fills it the first time something is built from it, so configs work without
``custom_imports`` for dapfsr's own modules.
"""
from mmengine.registry import DATA_SAMPLERS as MMENGINE_DATA_SAMPLERS
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import EVALUATOR as MMENGINE_EVALUATOR
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import LOG_PROCESSORS as MMENGINE_LOG_PROCESSORS
from mmengine.registry import LOOPS as MMENGINE_LOOPS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODEL_WRAPPERS as MMENGINE_MODEL_WRAPPERS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import OPTIM_WRAPPER_CONSTRUCTORS as MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.registry import OPTIM_WRAPPERS as MMENGINE_OPTIM_WRAPPERS
from mmengine.registry import OPTIMIZERS as MMENGINE_OPTIMIZERS
from mmengine.registry import PARAM_SCHEDULERS as MMENGINE_PARAM_SCHEDULERS
from mmengine.registry import RUNNERS as MMENGINE_RUNNERS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import VISBACKENDS as MMENGINE_VISBACKENDS
from mmengine.registry import VISUALIZERS as MMENGINE_VISUALIZERS
from mmengine.registry import WEIGHT_INITIALIZERS as MMENGINE_WEIGHT_INITIALIZERS
from mmengine.registry import Registry

RUNNERS = Registry('runner', parent=MMENGINE_RUNNERS, locations=['dapfsr.engine'])
LOOPS = Registry('loop', parent=MMENGINE_LOOPS, locations=['dapfsr.engine'])
HOOKS = Registry('hook', parent=MMENGINE_HOOKS, locations=['dapfsr.engine'])
LOG_PROCESSORS = Registry('log processor', parent=MMENGINE_LOG_PROCESSORS, locations=['dapfsr.engine'])

DATASETS = Registry('dataset', parent=MMENGINE_DATASETS, locations=['dapfsr.datasets'])
DATA_SAMPLERS = Registry('data sampler', parent=MMENGINE_DATA_SAMPLERS, locations=['dapfsr.datasets'])
TRANSFORMS = Registry('transform', parent=MMENGINE_TRANSFORMS, locations=['dapfsr.datasets.transforms'])

# dapfsr.adaptation: the augmenters (networks with parameters of their own, e.g. alpha, RAIN)
MODELS = Registry('model', parent=MMENGINE_MODELS, locations=['dapfsr.models', 'dapfsr.adaptation'])
MODEL_WRAPPERS = Registry('model wrapper', parent=MMENGINE_MODEL_WRAPPERS, locations=['dapfsr.models'])
WEIGHT_INITIALIZERS = Registry('weight initializer', parent=MMENGINE_WEIGHT_INITIALIZERS,
                               locations=['dapfsr.models'])

OPTIMIZERS = Registry('optimizer', parent=MMENGINE_OPTIMIZERS, locations=['dapfsr.engine'])
OPTIM_WRAPPERS = Registry('optim wrapper', parent=MMENGINE_OPTIM_WRAPPERS, locations=['dapfsr.engine'])
OPTIM_WRAPPER_CONSTRUCTORS = Registry('optimizer wrapper constructor',
                                      parent=MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS,
                                      locations=['dapfsr.engine'])
PARAM_SCHEDULERS = Registry('parameter scheduler', parent=MMENGINE_PARAM_SCHEDULERS,
                            locations=['dapfsr.engine'])

METRICS = Registry('metric', parent=MMENGINE_METRICS, locations=['dapfsr.evaluation'])
EVALUATOR = Registry('evaluator', parent=MMENGINE_EVALUATOR, locations=['dapfsr.evaluation'])

# One-shot adaptation: its loops (OneShotAdaptation, DAMMA) and the protocol drawing its tasks
# (OneShotProtocol); neither is a model nor a dataset, and mmengine has no root registry for them.
ADAPTATIONS = Registry('adaptation', locations=['dapfsr.adaptation', 'dapfsr.datasets'])

VISUALIZERS = Registry('visualizer', parent=MMENGINE_VISUALIZERS, locations=['dapfsr.visualization'])
VISBACKENDS = Registry('vis backend', parent=MMENGINE_VISBACKENDS, locations=['dapfsr.visualization'])
