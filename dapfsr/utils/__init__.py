from .checkpoint import (CheckpointError, allow_mmengine_checkpoint_types, load_checkpoint_file,
                         load_model_weights, state_dict_from_checkpoint)
from .config import ConfigKeyError, exit_on_user_error, load_config
from .fileio import atomic_write, torch_save_atomic
from .setup_env import setup_cpu_distributed, register_all_modules

__all__ = ['CheckpointError', 'ConfigKeyError', 'allow_mmengine_checkpoint_types', 'atomic_write',
           'exit_on_user_error', 'load_checkpoint_file', 'load_config', 'load_model_weights',
           'register_all_modules', 'setup_cpu_distributed', 'state_dict_from_checkpoint',
           'torch_save_atomic']
