"""DAMMA inside an mmengine Runner: adapt the loaded model before it is tested."""
import os.path as osp

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import set_random_seed

from dapfsr.registry import DATASETS, HOOKS, MODELS
from dapfsr.visualization import add_grid
from .adapt import adapt
from .delta import save_adapted_parameters
from .exemplars import as_path_list, exemplars_from_samples, load_exemplar_files


def one_shot_task(dataset, split, seed=0, num_exemplars=1):
    """The one-shot protocol's task for one split and exemplar seed.

    Args:
        dataset (dict): Target dataset config (e.g. ``target_dataset`` of
            ``configs/_base_/datasets/yaleb.py``).
        split (str): Condition of the target dataset.
        seed (int): Exemplar seed.
        num_exemplars (int): K.

    Returns:
        tuple[OneShotProtocol, OneShotTask]: The protocol, whose dataset
        holds only ``split``, and the task (exemplar and test indices into it).
    """
    protocol = DATASETS.build(dict(type='OneShotProtocol', dataset=dict(dataset), splits=[split],
                                   num_exemplars=num_exemplars, exemplar_seeds=[seed]))
    return protocol, protocol.task(split, seed)


@HOOKS.register_module()
class DAMMAHook(Hook):
    """Adapt the Runner's model to a target domain (Algorithm 1) before testing.

    In ``before_test`` (the checkpoint is loaded by then) it builds the
    adaptation from the config's ``adaptation`` dict (e.g. :class:`DAMMA`),
    runs it on the exemplars, saves the adapted parameters on top of the
    source checkpoint and lets the test loop evaluate the adapted model.
    ``tools/adapt.py`` adds it to a config; :meth:`adapt` also runs alone.

    The exemplars come either from files or from the one-shot protocol.

    Args:
        exemplar_hr (str | Sequence[str], optional): K HR face files, at the decoder's size.
        exemplar_lr (str | Sequence[str], optional): Their LR faces; None makes them
            with the adaptation's degradation.
        protocol (dict, optional): ``dict(split=..., seed=0, num_exemplars=1,
            dataset=None)``: exemplars drawn by :class:`OneShotProtocol` from
            ``dataset`` (default: the config's ``target_dataset``).
        adaptation (dict, optional): Adaptation config; default the config's
            ``adaptation``.
        out_file (str, optional): Where the adapted parameters go; default
            ``{work_dir}/adapted_parameters.pth``.
        source_checkpoint (str, optional): The adapted checkpoint, recorded in
            the output; default the Runner's ``load_from``.
        seed (int, optional): Seed of the adaptation; default the Runner's seed.
        save_samples (bool): Write PNG grids of the exemplars (LR, SR before,
            SR after, HR) and of generated pairs into the work dir
            (``damma_exemplars.png``, ``damma_generated.png``), by the Runner's
            visualizer (images of those names; TensorBoard too where configured).
    """

    priority = 'VERY_HIGH'

    def __init__(self, exemplar_hr=None, exemplar_lr=None, protocol=None, adaptation=None,
                 out_file=None, source_checkpoint=None, seed=None, save_samples=True):
        if bool(exemplar_hr) == (protocol is not None):
            raise ValueError('DAMMAHook needs exemplar files (exemplar_hr) or a protocol split, '
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

    def load_exemplars(self, runner, model, adaptation):
        """The exemplars, and what the adapted-parameter file records of them."""
        if self.exemplar_hr:
            record = dict(exemplar_hr=list(as_path_list(self.exemplar_hr)),
                          exemplar_lr=list(as_path_list(self.exemplar_lr)))
            return load_exemplar_files(model, adaptation.degradation, self.exemplar_hr,
                                       self.exemplar_lr), record
        cfg = dict(self.protocol)
        if 'split' not in cfg:
            raise KeyError('DAMMAHook protocol needs a "split" (a condition of the target dataset)')
        dataset = cfg.get('dataset') or runner.cfg.get('target_dataset')
        if dataset is None:
            raise KeyError('DAMMAHook protocol has no dataset and the config no "target_dataset"')
        protocol, task = one_shot_task(dataset, cfg['split'], cfg.get('seed', 0),
                                       cfg.get('num_exemplars', 1))
        runner.logger.info(f'DAMMA exemplars of split {task.split}, seed {task.seed}: '
                           f'subjects {list(task.exemplar_subjects)}')
        record = dict(dataset=dataset.get('type'), split=task.split, exemplar_seed=task.seed,
                      exemplars=list(task.exemplar_subjects))
        return exemplars_from_samples(model, protocol.exemplars(task)), record

    def adapt(self, runner):
        """Adapt ``runner.model`` in place; returns the path of the adapted-parameter file."""
        cfg = self.adaptation or runner.cfg.get('adaptation')
        if cfg is None:
            raise KeyError('no adaptation settings: the config needs an "adaptation" dict '
                           '(e.g. dict(type="DAMMA", ...))')
        source = self.source_checkpoint or runner.cfg.get('load_from')
        if not source:
            raise ValueError('DAMMAHook needs the source checkpoint (load_from) to save the '
                             'adapted parameters on top of')
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        seed = self.seed if self.seed is not None else runner.seed
        set_random_seed(seed)
        adaptation = MODELS.build(cfg)
        exemplars, record = self.load_exemplars(runner, model, adaptation)
        was_training = model.training
        model.eval()  # the Runner's model is in train mode before the test loop starts
        before = self.super_resolve(model, exemplars.lr)
        source_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        self.history = adapt(model, exemplars, adaptation, seed=seed).history
        if self.save_samples:
            self.write_samples(runner, model, adaptation, exemplars, before)
        model.train(was_training)
        out_file = self.out_file or osp.join(runner.work_dir, 'adapted_parameters.pth')
        keys = save_adapted_parameters(model, out_file, source, adaptation=cfg, exemplars=record,
                                       reference_state=source_state)
        runner.logger.info(f'DAMMA: saved {len(keys)} adapted tensors to {out_file}')
        return out_file

    @staticmethod
    @torch.no_grad()
    def super_resolve(model, lr):
        return model.decode(model.encode_latents(lr))

    def write_samples(self, runner, model, adaptation, exemplars, before):
        """Hand the exemplar (and generated-pair) grids to ``runner.visualizer``, to be written
        to ``<work_dir>/damma_exemplars.png`` (``damma_generated.png``)."""
        def unit(x):
            return (x + 1) / 2

        def write(name, rows, titles):
            add_grid(runner.visualizer, name, rows, titles, step=runner.iter,
                     out_file=osp.join(runner.work_dir, f'{name}.png'))
        after = self.super_resolve(model, exemplars.lr)
        rows = [[unit(x) for x in row] for row in zip(exemplars.lr, before, after, exemplars.hr)]
        write('damma_exemplars', rows, ['LR', 'source SR', 'adapted SR', 'HR'])
        if adaptation.augmenter is not None:
            hr, lr = adaptation.augmenter.generate(model, exemplars, adaptation.batch_size)
            write('damma_generated', [[unit(a), unit(b)] for a, b in zip(lr, hr)],
                  ['generated LR', 'generated HR'])
