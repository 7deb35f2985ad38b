"""Low-level helpers, the bottom floor of dapfsr: they import no other dapfsr package
(``dapfsr.registry`` only, to look a config's type up)."""
from .checkpoint import (CheckpointError, allow_mmengine_checkpoint_types, load_checkpoint_file,
                         load_model_weights, state_dict_from_checkpoint)
from .config import ConfigKeyError, exit_on_user_error, load_config
from .distributed import setup_cpu_distributed
from .fileio import atomic_write, torch_save_atomic

__all__ = ['CheckpointError', 'ConfigKeyError', 'allow_mmengine_checkpoint_types', 'atomic_write',
           'exit_on_user_error', 'load_checkpoint_file', 'load_config', 'load_model_weights',
           'setup_cpu_distributed', 'state_dict_from_checkpoint', 'torch_save_atomic']

