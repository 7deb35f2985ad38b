"""Result grids (LR / bicubic / output / ground truth) of validation and test runs."""
import os.path as osp

from mmengine.dist import master_only
from mmengine.hooks import Hook

from dapfsr.registry import HOOKS
from dapfsr.visualization import add_grid, sr_grid_rows

# the message-hub key under which a test loop names the grid of the results under way
RESULT_NAME_KEY = 'result_grid_name'


@HOOKS.register_module()
class ResultGridHook(Hook):
    """Save the first batch's faces of every validation and test run as a grid.

    Handed to ``runner.visualizer`` (see :mod:`dapfsr.visualization.visualizer`), to be
    written to ``<work_dir>/grids/val_iter_<n>.png`` (image ``val_iter`` at step n, the
    training iterations so far) and ``<work_dir>/grids/test.png`` (image ``test``;
    ``test_<split>_seed<k>`` for each task of the one-shot benchmark); one face a row,
    columns LR, bicubic, the model's output and, where the data has it, the ground truth.
    TensorBoard shows them by the ``TensorboardVisBackend`` in the config's ``visualizer``.

    Args:
        num_faces (int): Rows of the grid (at most the batch size).
        out_dir (str, optional): Default ``<work_dir>/grids``.
    """

    priority = 'LOW'

    def __init__(self, num_faces=8, out_dir=None):
        if num_faces < 1:
            raise ValueError(f'ResultGridHook needs num_faces >= 1, got {num_faces}')
        self.num_faces = num_faces
        self.out_dir = out_dir

    def after_val_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if batch_idx == 0:
            self.save_grid(runner, 'val_iter', data_batch, outputs, f'val_iter_{runner.iter}.png')

    def after_test_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if batch_idx == 0:
            # a one-shot benchmark names each task's grid (OneShotTestLoop posts it)
            name = runner.message_hub.get_info(RESULT_NAME_KEY, 'test')
            self.save_grid(runner, name, data_batch, outputs, f'{name}.png')

    @master_only
    def save_grid(self, runner, name, data_batch, outputs, file_name):
        """Hand the grid of the first ``num_faces`` faces to the visualizer as image ``name``
        (step: ``runner.iter``), to be written to ``<out_dir>/<file_name>``; returns that path."""
        outputs = outputs[:self.num_faces]
        has_gt = 'gt_img' in outputs[0]
        rows = sr_grid_rows(data_batch['inputs'][:self.num_faces],
                            [s.gt_img for s in outputs] if has_gt else None,
                            [[s.pred_img for s in outputs]])
        path = osp.join(self.out_dir or osp.join(runner.work_dir, 'grids'), file_name)
        titles = ['LR', 'bicubic', 'output'] + ['ground truth'] * has_gt
        add_grid(runner.visualizer, name, rows, titles, cell=max(128, outputs[0].pred_img.shape[-1]),
                 step=runner.iter, out_file=path)
        return path
