"""Register dapfsr's modules and make ``dapfsr`` the default registry scope."""
import datetime
import warnings

from mmengine import DefaultScope


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import every dapfsr package that registers components.

    Args:
        init_default_scope (bool): Also set the default scope to ``dapfsr`` so
            that configs' ``type=`` names resolve in dapfsr's registries first.
    """
    import dapfsr.adaptation  # noqa: F401
    import dapfsr.datasets  # noqa: F401
    import dapfsr.engine  # noqa: F401
    import dapfsr.evaluation  # noqa: F401
    import dapfsr.models  # noqa: F401
    import dapfsr.visualization  # noqa: F401

    if not init_default_scope:
        return
    current = DefaultScope.get_current_instance()
    if current is None or not DefaultScope.check_instance_created('dapfsr'):
        if current is not None and current.scope_name != 'dapfsr':
            warnings.warn(f'The current default scope "{current.scope_name}" is not '
                          '"dapfsr"; register_all_modules makes a new "dapfsr" scope.')
        name = f'dapfsr-{datetime.datetime.now()}'
        DefaultScope.get_instance(name, scope_name='dapfsr')


def setup_cpu_distributed(cfg):
    """Let a torchrun launch (``tools/dist_train.sh CONFIG N``) run N CPU processes.

    mmengine's ``init_dist`` calls ``torch.cuda.set_device`` first, which fails
    without a GPU, and its default DDP wrapper passes ``device_ids``, which DDP
    refuses for CPU modules. So the process group is joined here with gloo (the
    Runner keeps a group that exists) and, unless the config names a wrapper,
    DDP wraps the model without device ids.
    """
    import torch.distributed as dist
    if not dist.is_initialized():
        dist.init_process_group(backend='gloo')
    if cfg.get('model_wrapper_cfg') is None:
        cfg.model_wrapper_cfg = dict(type='MMDistributedDataParallel', device_ids=None,
                                     broadcast_buffers=False)
