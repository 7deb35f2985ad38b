"""CPU-only distributed launches: the process group and DDP wrapper mmengine would set up for GPUs."""


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


def unwrap_model(model):
    """The model inside a DDP (or other mmengine) wrapper, else ``model`` itself."""
    from mmengine.model import is_model_wrapper
    return model.module if is_model_wrapper(model) else model
