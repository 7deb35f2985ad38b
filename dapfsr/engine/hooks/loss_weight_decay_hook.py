"""A loss weight of the model that decays per epoch of the training data (e.g. MTDN's lambda)."""
from mmengine.hooks import Hook

from dapfsr.registry import HOOKS
from dapfsr.utils.distributed import unwrap_model


@HOOKS.register_module()
class LossWeightDecayHook(Hook):
    """Before every training iteration set ``model.<attribute> = max(w0 * gamma ** epoch, minimum)``.

    ``w0`` is the value the model was built with; ``epoch = runner.iter //
    len(runner.train_dataloader)``, the epochs of the training data also in an
    iteration-based loop, as mmengine's ``convert_to_iter_based`` schedulers count
    them, so the weight follows the learning rate's epochs and a resumed run continues
    where it stopped.

    Args:
        attribute (str): The model's float attribute, e.g. ``'adversarial_weight'``.
        gamma (float): Factor per epoch.
        minimum (float): Floor.
    """

    priority = 'NORMAL'

    def __init__(self, attribute, gamma, minimum=0.):
        self.attribute, self.gamma, self.minimum = attribute, gamma, minimum
        self.initial = None

    @staticmethod
    def _model(runner):
        return unwrap_model(runner.model)

    def before_train(self, runner):
        model = self._model(runner)
        if not isinstance(getattr(model, self.attribute, None), (int, float)):
            raise AttributeError(f'LossWeightDecayHook: {type(model).__name__} has no float '
                                 f'attribute {self.attribute!r}')
        self.initial = float(getattr(model, self.attribute))

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        epoch = runner.iter // len(runner.train_dataloader)
        setattr(self._model(runner), self.attribute, max(self.initial * self.gamma ** epoch, self.minimum))
