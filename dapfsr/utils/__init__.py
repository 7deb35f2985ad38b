from .checkpoint import (allow_mmengine_checkpoint_types, load_checkpoint_file,
                         state_dict_from_checkpoint)
from .setup_env import setup_cpu_distributed, register_all_modules

__all__ = ['allow_mmengine_checkpoint_types', 'load_checkpoint_file',
           'state_dict_from_checkpoint', 'register_all_modules', 'setup_cpu_distributed']
