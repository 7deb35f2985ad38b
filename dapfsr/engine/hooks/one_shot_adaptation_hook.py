"""One-shot adaptation inside an mmengine Runner: adapt the loaded model before it is tested."""
import os.path as osp

from mmengine.hooks import Hook

from dapfsr.datasets import protocol_config
from dapfsr.adaptation import adapt_and_save, exemplar_grids, file_exemplars, protocol_exemplars
from dapfsr.registry import HOOKS
from dapfsr.utils.distributed import unwrap_model
from dapfsr.visualization import add_grid


@HOOKS.register_module()
class OneShotAdaptationHook(Hook):
    """Adapt the Runner's model to a target domain (Algorithm 1) before testing.

    In ``before_test`` (the checkpoint is loaded by then) it builds the
    adaptation from the config's ``adaptation`` dict (e.g. :class:`~dapfsr.adaptation.DAMMA`),
    runs it on the exemplars, saves the adapted parameters on top of the
    source checkpoint (:func:`adapt_and_save`, the step ``tools/adapt.py`` runs
    without a Runner) and lets the test loop evaluate the adapted model. Add it to a
    config's ``custom_hooks``; :meth:`adapt` also runs alone.

    The exemplars come either from files or from the one-shot protocol.

    Args:
        exemplar_hr (str | Sequence[str], optional): K HR face files, at the decoder's size.
        exemplar_lr (str | Sequence[str], optional): Their LR faces; None makes them
            with the adaptation's degradation.
        protocol (dict, optional): ``dict(split=..., seed=0, num_exemplars=1,
            dataset=None)``: exemplars drawn by :class:`OneShotProtocol` from
            ``dataset`` (default: the config's protocol's, :func:`protocol_config`).
        adaptation (dict, optional): Adaptation config; default the config's
            ``adaptation``.
        out_file (str, optional): Where the adapted parameters go; default
            ``{work_dir}/adapted_parameters.pth``.
        source_checkpoint (str, optional): The adapted checkpoint, recorded in
            the output; default the Runner's ``load_from``.
        seed (int, optional): Seed of the adaptation; default the Runner's seed.
        save_samples (bool): Write PNG grids of the exemplars (LR, SR before,
            SR after, HR) and of generated pairs into the work dir
            (``adaptation_exemplars.png``, ``adaptation_generated.png``), by the Runner's
            visualizer (images of those names; TensorBoard too where configured).
    """

    priority = 'VERY_HIGH'

    def __init__(self, exemplar_hr=None, exemplar_lr=None, protocol=None, adaptation=None,
                 out_file=None, source_checkpoint=None, seed=None, save_samples=True):
        if bool(exemplar_hr) == (protocol is not None):
            raise ValueError('OneShotAdaptationHook needs exemplar files (exemplar_hr) or a protocol split, '
                             'exactly one of the two')
        if exemplar_lr and not exemplar_hr:
            raise ValueError('exemplar_lr given without exemplar_hr')
        self.exemplar_hr = exemplar_hr
        self.exemplar_lr = exemplar_lr
        self.protocol = protocol
        self.adaptation = adaptation
        self.out_file = out_file
        self.source_checkpoint = source_checkpoint
        self.seed = seed
        self.save_samples = save_samples
        self.history = None

    def before_test(self, runner):
        self.adapt(runner)

    def load_exemplars(self, runner):
        """The exemplars in the form :func:`adapt` takes, and what the adapted-parameter
        file records of them."""
        if self.exemplar_hr:
            return file_exemplars(self.exemplar_hr, self.exemplar_lr)
        cfg = dict(self.protocol)
        if 'split' not in cfg:
            raise KeyError('OneShotAdaptationHook protocol needs a "split" (a condition of the target dataset)')
        dataset = cfg.get('dataset') or protocol_config(runner.cfg)['dataset']
        samples, record, task = protocol_exemplars(dataset, cfg['split'], cfg.get('seed', 0),
                                                   cfg.get('num_exemplars', 1))
        runner.logger.info(f'Exemplars of split {task.split}, seed {task.seed}: '
                           f'subjects {list(task.exemplar_subjects)}')
        return samples, record

    def adapt(self, runner):
        """Adapt ``runner.model`` in place; returns the path of the adapted-parameter file."""
        cfg = self.adaptation or runner.cfg.get('adaptation')
        if cfg is None:
            raise KeyError('no adaptation settings: the config needs an "adaptation" dict '
                           '(e.g. dict(type="DAMMA", ...))')
        source = self.source_checkpoint or runner.cfg.get('load_from')
        if not source:
            raise ValueError('OneShotAdaptationHook needs the source checkpoint (load_from) to save the '
                             'adapted parameters on top of')
        model = unwrap_model(runner.model)
        seed = self.seed if self.seed is not None else runner.seed
        exemplars, record = self.load_exemplars(runner)
        out_file = self.out_file or osp.join(runner.work_dir, 'adapted_parameters.pth')
        was_training = model.training  # the Runner's model is in train mode before the test loop
        adapted, before = adapt_and_save(model, exemplars, cfg, out_file, source, record, seed)
        self.history = adapted.history
        if self.save_samples:
            for name, rows, titles in exemplar_grids(model, adapted, before):
                add_grid(runner.visualizer, name, rows, titles, step=runner.iter,
                         out_file=osp.join(runner.work_dir, f'{name}.png'))
        model.train(was_training)
        return out_file
