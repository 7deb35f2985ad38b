"""mmengine's Runner with dapfsr's checkpoint rules: checked loading, atomic saving."""
import inspect
import itertools
import logging
import os
import os.path as osp
import re

from mmengine.dist import broadcast_object_list, master_only
from mmengine.hooks import CheckpointHook
from mmengine.runner import BaseLoop, Runner

from dapfsr.adaptation.delta import check_merged_checkpoint, load_adapted_parameters
from dapfsr.engine.hooks.checkpoint_hook import AtomicCheckpointHook
from dapfsr.registry import RUNNERS
from dapfsr.utils.checkpoint import (CheckpointError, checkpoint_keys, load_checkpoint_file,
                                     load_model_weights, model_types)
from dapfsr.utils.distributed import unwrap_model
from dapfsr.utils.fileio import partial_name
from dapfsr.utils.user_errors import same_file


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
      so a kill during a save never leaves a partial ``iter_N.pth``; every
      ``CheckpointHook`` becomes an :class:`~dapfsr.engine.hooks.AtomicCheckpointHook`,
      which writes ``last_checkpoint`` atomically and deletes the checkpoints
      ``max_keep_ckpts`` drops only after the new one is in place.
    - A checkpoint is data: each one saved records ``meta.model_types`` (the model's
      types, as plain strings, for the profile check), and the config texts in a loaded
      checkpoint's meta are never executed (mmengine's ``resume`` runs
      ``Config.fromstring(meta['config'])``: that key is dropped on loading).
    - ``resume=True`` without a file (``tools/train.py --resume``) resumes from the
      checkpoint ``last_checkpoint`` names, else from the newest ``iter_N.pth`` /
      ``epoch_N.pth`` of the work dir that loads; when the work dir holds checkpoints
      and none can be resumed it stops (:class:`CheckpointError`) instead of starting
      over at iteration 0 and overwriting them.
    - The set-up dumps (environment, config, hook order: ~340 lines) go to the log
      file only; the console shows progress and results.
    - ``iter`` and ``epoch`` are 0 until training starts: asking them never builds the
      training data (a test, an adaptation needs only the target faces).
    - ``num_workers=0`` turns ``persistent_workers`` off (torch refuses the pair).
    - ``adapted_parameters`` (a file of ``tools/adapt.py``) in the config is applied on
      top of ``load_from`` when that is loaded (``tools/test.py --adapted``).

    Private state of mmengine's Runner is read in two places only, where no public
    attribute answers (checked on mmengine 0.10.7, pinned in requirements/runtime.txt):
    ``_train_loop`` (whether the train loop is built yet) and ``_timestamp`` (the run
    folder's name, which ``setup_env`` makes unique). Which checkpoint to load and whether
    it is loaded are this class's own attributes, from the ``load_from`` and ``resume``
    arguments.
    """

    def __init__(self, *args, **kwargs):
        arguments = inspect.signature(Runner.__init__).bind(self, *args, **kwargs).arguments
        super().__init__(*args, **kwargs)
        self.checkpoint_to_load = arguments.get('load_from')
        self.resume_requested = bool(arguments.get('resume', False))
        self.checkpoint_loaded = self.adapted_loaded = False

    @property
    def iter(self):
        # mmengine builds the train loop, and with it the source training set, to answer this:
        # testing, adapting and inferring must need only the target data (private: the public
        # train_loop property builds it)
        return self._train_loop.iter if isinstance(self._train_loop, BaseLoop) else 0

    @property
    def epoch(self):
        return self._train_loop.epoch if isinstance(self._train_loop, BaseLoop) else 0

    @property
    def unwrapped_model(self):
        return unwrap_model(self.model)

    def setup_env(self, env_cfg):
        super().setup_env(env_cfg)
        self._timestamp = self._claim_run_folder(self.timestamp)  # private: timestamp has no setter

    def _claim_run_folder(self, timestamp):
        """The name of this run's folder ``WORK_DIR/<name>`` (log, metrics JSON, dumped config):
        mmengine's timestamp, or ``<timestamp>_2``, ``_3``, ... when another run of the work
        dir started in the same second; claimed by creating it (an atomic ``mkdir``) on rank 0
        and broadcast to the other ranks."""
        name = None
        if self.rank == 0:
            os.makedirs(self.work_dir, exist_ok=True)
            for number in itertools.count(1):
                name = timestamp if number == 1 else f'{timestamp}_{number}'
                try:
                    os.mkdir(osp.join(self.work_dir, name))
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
        cached, self._resume_candidate = getattr(self, '_resume_candidate', None), None
        loaded = cached[1] if cached and cached[0] == filename else None
        checkpoint = load_model_weights(self.unwrapped_model, filename, self.cfg.get('model'),
                                        self.cfg.filename or 'the config', loaded=loaded)
        check_merged_checkpoint(self.unwrapped_model, checkpoint, filename)  # merge_delta.py's
        meta = checkpoint.get('meta') if isinstance(checkpoint, dict) else None
        if isinstance(meta, dict) and 'config' in meta:
            # mmengine's resume() would run this text as Python (Config.fromstring)
            checkpoint['meta'] = {k: v for k, v in meta.items() if k != 'config'}
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        self.checkpoint_loaded = True  # resume() loads through here too
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint

    def load_or_resume(self):
        """mmengine's rule (resume from ``load_from``, or from the run's newest checkpoint
        without one; else load ``load_from``), with :meth:`find_resume_checkpoint` in place
        of mmengine's ``last_checkpoint`` lookup; then the ``adapted_parameters`` on top."""
        if not self.checkpoint_loaded:
            self.load_or_resume_checkpoint()
        adapted = self.cfg.get('adapted_parameters')
        if adapted and not self.adapted_loaded:
            load_adapted_parameters(self.unwrapped_model, adapted, source_checkpoint=self.checkpoint_to_load)
            self.adapted_loaded = True
            self.logger.info(f'Load adapted parameters from {adapted}')

    def load_or_resume_checkpoint(self):
        if self.resume_requested and self.checkpoint_to_load is None:
            found = self.find_resume_checkpoint()
            if found is None:
                self.logger.info(f'--resume: no checkpoint in {self.work_dir}: training starts '
                                 'at iteration 0')
                self.resume_requested = False
            else:
                self.logger.info(f'Auto resumed from the latest checkpoint {found}.')
                self.checkpoint_to_load = found
        if self.checkpoint_to_load is not None:
            if self.resume_requested:
                self.resume(self.checkpoint_to_load)
            else:
                self.load_checkpoint(self.checkpoint_to_load)

    def checkpoint_files(self):
        """The checkpoints of this run's CheckpointHook (``iter_N.pth`` / ``epoch_N.pth`` in
        its folder, the work dir by default), newest (largest N) first."""
        hooks = [h for h in self.hooks if isinstance(h, CheckpointHook)]
        folders, patterns = [self.work_dir], [r'(?:iter|epoch)_(\d+)\.pth']
        for hook in hooks:
            if hook.out_dir and osp.abspath(hook.out_dir) != osp.abspath(self.work_dir):
                folders.append(osp.join(hook.out_dir, osp.basename(self.work_dir.rstrip(osp.sep))))
            patterns.append(re.escape(hook.filename_tmpl).replace(r'\{\}', r'(\d+)'))
        found = {}
        for folder in folders:
            if not osp.isdir(folder):
                continue
            for name in os.listdir(folder):
                for pattern in patterns:
                    match = re.fullmatch(pattern, name)
                    if match and osp.isfile(osp.join(folder, name)):
                        found[osp.join(folder, name)] = int(match.group(1))
        return sorted(found, key=lambda path: (-found[path], path))

    def resumable(self, path):
        """Why ``path`` cannot be resumed (missing, unreadable, not a training checkpoint),
        or None when it can; a loadable one is kept for :meth:`load_checkpoint`."""
        try:
            checkpoint = load_checkpoint_file(path)
        except (OSError, CheckpointError) as err:
            return str(err)
        lacks = [k for k in ('meta', 'state_dict', 'message_hub')
                 if not isinstance(checkpoint, dict) or k not in checkpoint]
        if lacks or not isinstance(checkpoint['meta'].get('iter'), int):
            return f'{path} is not a training checkpoint (it lacks {", ".join(lacks) or "meta.iter"})'
        self._resume_candidate = (path, checkpoint)
        return None

    def find_resume_checkpoint(self):
        """The checkpoint ``--resume`` (without a file) continues from: the one
        ``last_checkpoint`` names when it loads, else the newest checkpoint file of the run
        that loads; None when the work dir holds neither (a first run).

        Raises:
            CheckpointError: Checkpoints are there but none can be resumed: starting over
                would overwrite them.
        """
        pointer, named = osp.join(self.work_dir, 'last_checkpoint'), None
        problems = []
        if osp.isfile(pointer):
            with open(pointer) as f:
                named = f.read().strip()
            problem = self.resumable(named) if named else f'{pointer} is empty'
            if problem is None:
                return named
            problems.append(problem)
            self.logger.warning(f'--resume: last_checkpoint names {named or "nothing"}, which cannot '
                                f'be resumed ({problem}); looking for the newest checkpoint that can')
        candidates = [p for p in self.checkpoint_files() if not named or not osp.exists(named)
                      or not osp.samefile(p, named)]
        for path in candidates:
            problem = self.resumable(path)
            if problem is None:
                if problems:
                    self.logger.warning(f'--resume: resuming from {path}, the newest checkpoint that '
                                        f'loads (skipped: {"; ".join(problems)})')
                return path
            problems.append(problem)
        if not problems:
            return None
        raise CheckpointError(
            f'--resume: no checkpoint in {self.work_dir} can be resumed ({"; ".join(problems[:3])}'
            f'{"; ..." if len(problems) > 3 else ""}); starting over would overwrite them: give one '
            'with --resume CKPT, or move them away to start at iteration 0')

    def register_hook(self, hook, priority=None):
        if isinstance(hook, dict) and hook.get('type') in ('CheckpointHook', CheckpointHook):
            hook = dict(hook, type=AtomicCheckpointHook)
        elif type(hook) is CheckpointHook:
            hook.__class__ = AtomicCheckpointHook
        super().register_hook(hook, priority)

    @master_only
    def save_checkpoint(self, out_dir, filename, file_client_args=None, save_optimizer=True,
                        save_param_scheduler=True, meta=None, by_epoch=True, backend_args=None):
        """mmengine's save, under a temporary name renamed when complete, with the model's
        types recorded as plain data (``meta.model_types``) for the profile check."""
        meta = dict(meta or {})
        model_cfg = self.cfg.get('model') if self.cfg is not None else None
        if isinstance(model_cfg, dict):
            meta.setdefault('model_types', model_types(model_cfg))
        path = osp.join(out_dir, filename)
        super().save_checkpoint(out_dir, osp.basename(partial_name(path)), file_client_args,
                                save_optimizer, save_param_scheduler, meta, by_epoch, backend_args)
        with open(partial_name(path), 'rb') as f:  # on disk before the name says it is complete
            os.fsync(f.fileno())
        os.replace(partial_name(path), path)

    def train(self):
        """mmengine's ``train()``; first refuses a ``load_from`` that this run would write over
        (``WORK_DIR/iter_N.pth`` trained anew from iteration 0), and warns when the work dir
        holds checkpoints of an earlier run that a new run will replace."""
        if not self.resume_requested and not self.checkpoint_loaded:
            existing = self.checkpoint_files()
            source = self.checkpoint_to_load
            hit = next((p for p in existing if source and same_file(p, source)), None)
            if hit:
                raise CheckpointError(
                    f'load_from {source} is {osp.basename(hit)} of this work dir, which a run started '
                    f'at iteration 0 writes again: copy it elsewhere first, or continue its run with '
                    f'--resume {source}')
            if existing:
                self.logger.warning(
                    f'{self.work_dir} holds {len(existing)} checkpoints of an earlier run '
                    f'({", ".join(osp.basename(p) for p in existing[:3])}{", ..." if len(existing) > 3 else ""}); '
                    'this run starts at iteration 0 and replaces them as it reaches them (--resume '
                    'continues that run instead)')
        return super().train()

    def test(self):
        trained = checkpoint_keys(self.unwrapped_model)
        if trained and self.checkpoint_to_load is None:
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
