"""mu_w / sigma_w (Eq. 2) of a StyleGAN2 training's generators, recomputed for every checkpoint."""
from mmengine.hooks import Hook

from dapfsr.registry import HOOKS
from dapfsr.utils.distributed import unwrap_model


@HOOKS.register_module()
class LatentStatisticsHook(Hook):
    """Before each checkpoint is written, recompute the model's latent statistics
    (``model.update_latent_statistics()``) and put them into the checkpoint, so its
    ``generator_ema.`` decoder is ready for the encoder stage. The statistics move with
    the mapping network; computing them is an explicit step here, not a side effect of
    ``state_dict()``."""

    priority = 'VERY_HIGH'

    def before_save_checkpoint(self, runner, checkpoint):
        model = unwrap_model(runner.model)
        model.update_latent_statistics()
        state = checkpoint['state_dict']
        for name, tensor in model.state_dict().items():
            if name.endswith(('latent_mean', 'latent_std')):
                state[name] = tensor.detach().cpu()
