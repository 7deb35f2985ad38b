"""mmengine's Runner with dapfsr's checkpoint rules: checked loading, atomic saving."""
import itertools
import logging
import os
import os.path as osp

from mmengine.dist import broadcast_object_list, master_only
from mmengine.model import is_model_wrapper
from mmengine.runner import BaseLoop, Runner

from dapfsr.adaptation.delta import load_adapted_parameters
from dapfsr.registry import RUNNERS
from dapfsr.utils.checkpoint import CheckpointError, checkpoint_keys, load_model_weights
from dapfsr.utils.fileio import partial_name


@RUNNERS.register_module()
class DapfsrRunner(Runner):
    """A :class:`mmengine.runner.Runner` that no checkpoint can silently misuse.

    - ``load_from`` and ``resume`` read files weights-only (forced, whatever
      ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` says), and a file that does not fit the
      model (missing, unexpected or reshaped keys; another model or profile) is a
      :class:`~dapfsr.utils.checkpoint.CheckpointError` naming it, instead of
      mmengine's missing-keys warning. The model's ``self_loading_modules`` may be absent.
    - ``test()`` of a model with trained weights and no checkpoint is an error.
    - Checkpoints are written under a temporary name and renamed when complete,
      so a kill during a save never leaves a partial ``iter_N.pth``.
    - The set-up dumps (environment, config, hook order: ~340 lines) go to the log
      file only; the console shows progress and results.
    - ``iter`` and ``epoch`` are 0 until training starts: asking them never builds the
      training data (a test, an adaptation needs only the target faces).
    - ``num_workers=0`` turns ``persistent_workers`` off (torch refuses the pair).
    - ``adapted_parameters`` (a file of ``tools/adapt.py``) in the config is applied on
      top of ``load_from`` when that is loaded (``tools/test.py --adapted``).
    """

    @property
    def iter(self):
        # mmengine builds the train loop, and with it the source training set, to answer this:
        # testing, adapting and inferring must need only the target data
        return self._train_loop.iter if isinstance(self._train_loop, BaseLoop) else 0

    @property
    def epoch(self):
        return self._train_loop.epoch if isinstance(self._train_loop, BaseLoop) else 0

    @property
    def unwrapped_model(self):
        return self.model.module if is_model_wrapper(self.model) else self.model

    def setup_env(self, env_cfg):
        super().setup_env(env_cfg)
        self._timestamp = self._claim_run_folder(self._timestamp)

    def _claim_run_folder(self, timestamp):
        """The name of this run's folder ``WORK_DIR/<name>`` (log, metrics JSON, dumped config):
        mmengine's timestamp, or ``<timestamp>_2``, ``_3``, ... when another run of the work
        dir started in the same second; claimed by creating it (an atomic ``mkdir``) on rank 0
        and broadcast to the other ranks."""
        name = None
        if self.rank == 0:
            os.makedirs(self._work_dir, exist_ok=True)
            for number in itertools.count(1):
                name = timestamp if number == 1 else f'{timestamp}_{number}'
                try:
                    os.mkdir(osp.join(self._work_dir, name))
                    break
                except FileExistsError:
                    continue
        if self.world_size > 1:
            names = [name]
            broadcast_object_list(names)
            name = names[0]
        return name

    def load_checkpoint(self, filename, map_location='cpu', strict=False, revise_keys=None):
        """Load ``filename`` into the model (``strict`` and ``revise_keys`` are
        ignored: loading is always checked, and ``module.`` prefixes are stripped)."""
        checkpoint = load_model_weights(self.unwrapped_model, filename, self.cfg.get('model'),
                                        self.cfg.filename or 'the config')
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint

    def load_or_resume(self):
        super().load_or_resume()
        adapted = self.cfg.get('adapted_parameters')
        if adapted and not getattr(self, '_adapted_loaded', False):
            load_adapted_parameters(self.unwrapped_model, adapted, source_checkpoint=self._load_from)
            self._adapted_loaded = True
            self.logger.info(f'Load adapted parameters from {adapted}')

    @master_only
    def save_checkpoint(self, out_dir, filename, *args, **kwargs):
        path = osp.join(out_dir, filename)
        super().save_checkpoint(out_dir, osp.basename(partial_name(path)), *args, **kwargs)
        os.replace(partial_name(path), path)

    def test(self):
        trained = checkpoint_keys(self.unwrapped_model)
        if trained and self._load_from is None:
            raise CheckpointError(f'{type(self.unwrapped_model).__name__} has {len(trained)} trained '
                                  'tensors and no checkpoint was given (load_from / CHECKPOINT)')
        return super().test()

    @staticmethod
    def build_dataloader(dataloader, seed=None, diff_rank_seed=False):
        if isinstance(dataloader, dict) and not dataloader.get('num_workers', 0):
            dataloader = dict(dataloader, persistent_workers=False)
        return Runner.build_dataloader(dataloader, seed, diff_rank_seed)

    def build_logger(self, *args, **kwargs):
        logger = super().build_logger(*args, **kwargs)
        for handler in logger.handlers:
            if type(handler) is logging.StreamHandler:  # the console (file handlers subclass it)
                handler.addFilter(_drop_setup_dumps)
        return logger


SETUP_DUMPS = ('\n' + '-' * 60 + '\nSystem environment', 'Config:\n', 'Hooks will be executed',
               'Distributed training is not used')


def _drop_setup_dumps(record):
    return not (record.levelno <= logging.INFO and record.getMessage().startswith(SETUP_DUMPS))


def build_runner(cfg):
    """The runner of ``cfg``: its ``runner_type`` if set, else :class:`DapfsrRunner`."""
    return RUNNERS.build(cfg) if 'runner_type' in cfg else DapfsrRunner.from_cfg(cfg)
