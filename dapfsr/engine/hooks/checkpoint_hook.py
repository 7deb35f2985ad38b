"""mmengine's CheckpointHook with an order of steps that a kill at any moment cannot break."""
import os.path as osp

from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook

from dapfsr.registry import HOOKS
from dapfsr.utils.fileio import atomic_write


@HOOKS.register_module()
class AtomicCheckpointHook(CheckpointHook):
    """:class:`mmengine.hooks.CheckpointHook` whose saves leave a checkpoint to resume
    whenever the process dies.

    mmengine (0.10.7) deletes the checkpoint that ``max_keep_ckpts`` drops *before* the
    new one is written and writes ``last_checkpoint`` in place: a kill during the save
    left no complete checkpoint with ``max_keep_ckpts=1`` and a ``last_checkpoint``
    naming the deleted file. Here a save is, in this order:

    1. the new checkpoint, written under a temporary name and renamed when complete
       (:meth:`dapfsr.engine.DapfsrRunner.save_checkpoint`);
    2. ``last_checkpoint``, written under a temporary name and renamed
       (:func:`dapfsr.utils.atomic_write`);
    3. only then the checkpoints that ``max_keep_ckpts`` drops are deleted.

    A kill before 2 leaves ``last_checkpoint`` naming the previous checkpoint, which still
    exists; a kill between 2 and 3 leaves one checkpoint more than ``max_keep_ckpts``.
    :class:`~dapfsr.engine.DapfsrRunner` uses it in place of every ``CheckpointHook``.
    """

    def _save_checkpoint_with_step(self, runner, step, meta):
        outdated = []
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids and self.keep_ckpt_ids[-1] == step):
            while len(self.keep_ckpt_ids) >= self.max_keep_ckpts:
                outdated.append(self.keep_ckpt_ids.popleft())
            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info('keep_ckpt_ids', list(self.keep_ckpt_ids))

        ckpt_filename = self.filename_tmpl.format(step)
        self.last_ckpt = self.file_backend.join_path(self.out_dir, ckpt_filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        runner.save_checkpoint(
            self.out_dir, ckpt_filename, self.file_client_args, save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler, meta=meta, by_epoch=self.by_epoch,
            backend_args=self.backend_args, **self.args)
        if not is_main_process():
            return

        with atomic_write(osp.join(runner.work_dir, 'last_checkpoint')) as f:
            f.write(self.last_ckpt)
        for old in outdated:
            if old == step:
                continue
            path = self.file_backend.join_path(self.out_dir, self.filename_tmpl.format(old))
            if self.file_backend.isfile(path):
                self.file_backend.remove(path)
            elif self.file_backend.isdir(path):  # checkpoints saved by deepspeed are folders
                self.file_backend.rmtree(path)
