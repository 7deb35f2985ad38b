"""The one-shot benchmark of sec. 5.1-5.2 as a Runner test loop."""
import copy
import os.path as osp

import torch
from mmengine.dataset import pseudo_collate
from mmengine.dist import all_gather_object, get_dist_info, is_main_process
from mmengine.runner import BaseLoop
from torch.utils.data import DataLoader

from dapfsr.adaptation import (adapt, adapted_parameters_path, calibrate_refiner, exemplars_from_samples,
                               load_adapted_parameters)
from dapfsr.evaluation.results_table import configured_metrics, summarize, write_results
from dapfsr.datasets import protocol_config
from dapfsr.engine.hooks.result_grid_hook import RESULT_NAME_KEY
from dapfsr.registry import ADAPTATIONS, LOOPS
from dapfsr.utils.distributed import unwrap_model
from dapfsr.visualization import add_grid, sr_grid_rows

MODES = ('source_only', 'adapt', 'deltas')


@LOOPS.register_module()
class OneShotTestLoop(BaseLoop):
    """Evaluate on every (split, exemplar seed) task of a one-shot protocol (Table 1).

    For each task of ``protocol`` the model starts from the source state (the loaded
    checkpoint), is adapted to the task's exemplars (``mode='adapt'``: the config's
    ``adaptation``, by :func:`dapfsr.adaptation.adapt`; ``'deltas'``: the parameters
    ``tools/adapt.py --split`` saved for it; ``'source_only'``: not at all) and is
    evaluated on the task's test faces (the split without the exemplars' subjects)
    by the configured evaluator, with the test hooks called as in mmengine's
    TestLoop (``ResultGridHook`` writes ``grids/test_<split>_seed<k>.png``). Metrics
    are averaged over a split's seeds, then over splits, as the paper reports them;
    ``<out>.md`` (a Table 1 row) and ``<out>.json`` (per task and split) are written,
    with a grid per split (exemplar, LR, bicubic, source only, adapted, ground truth).
    With ``unrefined_row`` and a model with a refiner, every task's test faces are
    evaluated twice after one adaptation, refined and as the model draws them
    (:meth:`~dapfsr.models.editors.BaseFaceSRModel.unrefined`): the table gets the
    row ``<name>, unrefined`` (the paper's variant) beside ``<name>``, the JSON its
    per-task details under ``'unrefined'`` and ``ResultGridHook`` the grids
    ``grids/test_<split>_seed<k>_unrefined.png``.
    Under a distributed launcher the tasks are shared among the ranks (each rank
    adapts and evaluates whole tasks) and the records gathered on rank 0.

    Select it by ``test_cfg = dict(type='OneShotTestLoop', mode='adapt')`` or
    ``tools/test.py --one-shot adapt``.

    Args:
        runner (Runner): The runner; its checkpoint is the source state.
        dataloader (dict): The config's ``test_dataloader``; its ``batch_size``
            applies to every task's test faces (its dataset is the protocol's).
        evaluator (list | dict): The configured metrics.
        mode (str): ``'source_only'``, ``'adapt'`` or ``'deltas'``.
        protocol (dict, optional): A ``OneShotProtocol`` config; default the
            config's ``one_shot_protocol`` (without a dataset: the test set's,
            :func:`dapfsr.datasets.protocol_config`).
        adaptation (dict, optional): Default the config's ``adaptation`` (``'adapt'``).
        deltas_dir (str, optional): Folder of ``<split>_seed<k>.pth`` (``'deltas'``).
        max_tasks (int, optional): Only the first tasks (quick runs).
        name (str, optional): Row name in the table; default ``<config> (<mode>)``.
        out (str, optional): Path stem of the results; default ``<work_dir>/results_<mode>``.
        grid_faces (int): Test faces in each split's grid.
        unrefined_row (bool): Also evaluate the unrefined outputs (see above).
    """

    def __init__(self, runner, dataloader, evaluator, mode='source_only', protocol=None,
                 adaptation=None, deltas_dir=None, max_tasks=None, name=None, out=None,
                 grid_faces=4, unrefined_row=False):
        # BaseLoop.__init__ would build the dataloader's dataset, which the protocol has: its one
        # attribute is set here instead (private; checked on mmengine 0.10.7, requirements/runtime.txt)
        self._runner = runner
        if mode not in MODES:
            raise ValueError(f'OneShotTestLoop mode must be one of {MODES}, got {mode!r}')
        cfg = runner.cfg
        protocol = protocol_config(cfg, protocol)
        adaptation = adaptation or cfg.get('adaptation')
        for key, value, needed in (('adaptation', adaptation, mode == 'adapt'),
                                   ('deltas_dir', deltas_dir, mode == 'deltas')):
            if needed and value is None:
                raise KeyError(f'OneShotTestLoop(mode={mode!r}) needs "{key}" '
                               f'({cfg.filename or "the config"} has none)')
        self.mode, self.adaptation, self.deltas_dir = mode, adaptation, deltas_dir
        self.protocol = ADAPTATIONS.build(protocol)
        self.tasks = self.protocol.tasks()[:max_tasks]
        self.batch_size = dataloader.get('batch_size', 16) if isinstance(dataloader, dict) else \
            dataloader.batch_size
        self.evaluator = runner.build_evaluator(evaluator)
        config_name = osp.splitext(osp.basename(cfg.filename or 'model'))[0]
        self.name = name or f'{config_name} ({mode})'
        self.out = out or osp.join(runner.work_dir, f'results_{mode}')
        self.grid_faces = grid_faces
        self.unrefined_row = unrefined_row
        self.dataloader = None  # the current task's

    def run(self):
        """Run every task; returns the mean metrics over splits."""
        runner = self.runner
        model = unwrap_model(runner.model)
        runner.call_hook('before_test')
        runner.call_hook('before_test_epoch')
        source = copy.deepcopy(model.state_dict()) if self.mode != 'source_only' else None
        rank, world_size = get_dist_info()
        first_of_split = {}
        for number, task in enumerate(self.tasks):
            first_of_split.setdefault(task.split, number)
        records, grids = [], {}
        for number, task in enumerate(self.tasks):
            if number % world_size != rank:
                continue
            record, unrefined, grid = self.run_task(model, source, task, first_of_split[task.split] == number)
            records.append((number, record, unrefined))
            runner.logger.info(f'[{number + 1}/{len(self.tasks)}] {task.split} seed {task.seed}: ' +
                               '  '.join(f'{k} {v:.4f}' for k, v in record.items() if isinstance(v, float)) +
                               ('' if unrefined is None else '  unrefined: ' + '  '.join(
                                   f'{k} {v:.4f}' for k, v in unrefined.items() if isinstance(v, float))))
            if grid is not None:
                grids[task.split] = grid
        if source is not None:
            model.load_state_dict(source)
        if world_size > 1:
            records = [r for part in all_gather_object(records) for r in part]
            grids = {k: v for part in all_gather_object(grids) for k, v in part.items()}
        records = sorted(records, key=lambda r: r[0])
        summary = summarize([record for _, record, _ in records])
        if records and records[0][2] is not None:
            summary['unrefined'] = summarize([unrefined for _, _, unrefined in records])
        if is_main_process():
            self.write(summary, grids)
        runner.call_hook('after_test_epoch', metrics=summary['mean'])
        runner.call_hook('after_test')
        return summary['mean']

    def run_task(self, model, source, task, with_grid):
        """Adapt to one task and evaluate it: (record, unrefined record or None, grid rows or None)."""
        test_set = self.protocol.test_dataset(task)
        exemplars = source_outputs = None
        if source is not None:
            model.load_state_dict(source)
            exemplars = self.protocol.exemplars(task)
            if with_grid:  # the grid shows the same faces before and after adaptation
                model.eval()
                source_outputs = model.test_step(
                    pseudo_collate([test_set[i] for i in range(min(self.grid_faces, len(test_set)))]))
        if self.mode == 'adapt':
            adapt(model, exemplars, self.adaptation, seed=task.seed)  # calibrates the refiner too
        else:
            if self.mode == 'deltas':
                load_adapted_parameters(model, adapted_parameters_path(self.deltas_dir, task))
            if getattr(model, 'refiner', None) is not None:  # it learns the target from the exemplar
                calibrate_refiner(model, exemplars_from_samples(model, self.protocol.exemplars(task)))
        model.eval()
        grid_name = f'test_{task.split}_seed{task.seed}'
        self.runner.message_hub.update_info(RESULT_NAME_KEY, grid_name)
        metrics, (batch, outputs) = self.evaluate(model, test_set)
        head = dict(split=task.split, seed=task.seed, exemplars=list(task.exemplar_subjects),
                    num_test=len(task.test_indices))
        record, unrefined = dict(head, **metrics), None
        if self.unrefined_row and getattr(model, 'refiner', None) is not None:
            self.runner.message_hub.update_info(RESULT_NAME_KEY, grid_name + '_unrefined')
            with model.unrefined():
                unrefined = dict(head, **self.evaluate(model, test_set)[0])
        if not with_grid:
            return record, unrefined, None
        outputs = outputs[:self.grid_faces]
        columns, leading = [[s.pred_img for s in outputs]], ()
        if source_outputs is not None:
            columns.insert(0, [s.pred_img for s in source_outputs])
            leading = (exemplars[0]['data_samples'].gt_img, )
        return record, unrefined, sr_grid_rows(batch['inputs'][:self.grid_faces], [s.gt_img for s in outputs],
                                               columns, leading)

    @torch.no_grad()
    def evaluate(self, model, dataset):
        """The evaluator's metrics on ``dataset`` (this rank's whole task: nothing to gather)
        and the first batch with its outputs."""
        first = None
        # the task's loader: what the timer and logger hooks read as runner.test_dataloader
        self.dataloader = DataLoader(dataset, batch_size=self.batch_size, shuffle=False,
                                     collate_fn=pseudo_collate)
        for idx, batch in enumerate(self.dataloader):
            self.runner.call_hook('before_test_iter', batch_idx=idx, data_batch=batch)
            outputs = model.test_step(batch)
            self.evaluator.process(data_samples=outputs, data_batch=batch)
            self.runner.call_hook('after_test_iter', batch_idx=idx, data_batch=batch, outputs=outputs)
            first = first or (batch, outputs)
        metrics = {}
        for metric in self.evaluator.metrics:
            values = metric.compute_metrics(metric.results)
            metric.results.clear()
            metrics.update({f'{metric.prefix}/{k}' if metric.prefix else k: v for k, v in values.items()})
        return metrics, first

    def write(self, summary, grids):
        cfg = self.runner.cfg
        rows = {self.name: summary['mean']}
        if 'unrefined' in summary:
            rows[f'{self.name}, unrefined'] = summary['unrefined']['mean']
        md, js = write_results(self.out, rows,
                               cfg.get('benchmark_name', 'source -> target'), details=summary,
                               expected=configured_metrics(cfg.test_evaluator))
        titles = ['LR', 'bicubic', self.mode.replace('_', ' '), 'ground truth']
        if self.mode != 'source_only':
            titles = ['exemplar HR'] + titles[:2] + ['source only'] + titles[2:]
        for split, rows in grids.items():  # to the visualizer, written to <work_dir>/<name>.png
            name = f'grid_{self.mode}_{split}'
            add_grid(self.runner.visualizer, name, rows, titles, step=self.runner.iter,
                     out_file=osp.join(self.runner.work_dir, f'{name}.png'))
        self.runner.logger.info(f'{len(self.tasks)} tasks:\n{open(md).read()}wrote {md}, {js} and '
                                f'result grids in {self.runner.work_dir}')
