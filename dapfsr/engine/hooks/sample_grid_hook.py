"""Sample grids of a GAN's generator at fixed latents while it trains."""
import os.path as osp

import torch
from mmengine.dist import master_only
from mmengine.hooks import Hook
from mmengine.model import BaseAveragedModel, is_model_wrapper

from dapfsr.registry import HOOKS
from dapfsr.utils.distributed import unwrap_model
from dapfsr.visualization import add_grid


class TrainingGridHook(Hook):
    """Base of the hooks that show a model's faces while it trains: every ``interval``
    iterations and after the last, :meth:`save_grid` (step n) hands a grid to the visualizer,
    to be written to ``<out_dir>/iter_<n>.png`` (default ``out_dir``: ``<work_dir>/<grid_name>``)."""

    priority = 'LOW'
    grid_name = 'grids'

    def __init__(self, interval=1000, out_dir=None):
        self.interval = interval
        self.out_dir = out_dir

    def grid_file(self, runner, iteration):
        return osp.join(self.out_dir or osp.join(runner.work_dir, self.grid_name), f'iter_{iteration}.png')

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if self.every_n_train_iters(runner, self.interval) or self.is_last_train_iter(runner):
            self.save_grid(runner, runner.iter + 1)

    def save_grid(self, runner, iteration):
        """Make the grid of step ``iteration``, hand it to the visualizer; return its file's path."""
        raise NotImplementedError


@HOOKS.register_module()
class SampleGridHook(TrainingGridHook):
    """Every ``interval`` iterations (and after the last) save a grid of samples.

    The same z (drawn once from ``seed``) and the generator's fixed noise maps
    are used each time, so successive grids show how training changes the same
    faces. Handed to ``runner.visualizer`` as image ``samples`` at step n, to be written
    to ``<out_dir>/iter_<n>.png`` (see :mod:`dapfsr.visualization.visualizer`; TensorBoard
    shows it by the ``TensorboardVisBackend`` in the config's ``visualizer``).

    Args:
        interval (int): Iterations between grids.
        num_samples (int): Faces per grid.
        num_columns (int): Faces per row.
        generator_name (str): Attribute of the model to sample, e.g. the EMA
            generator ``'generator_ema'`` or ``'generator'``.
        truncation (float): Truncation psi (1: none; < 1 pulls towards mu_w).
        seed (int): Seed of the fixed z.
        out_dir (str, optional): Default ``<work_dir>/samples``.
        cell (int, optional): Side of each face in the grid; default the
            generator's size (at least 64).
    """

    grid_name = 'samples'

    def __init__(self, interval=1000, num_samples=16, num_columns=8, generator_name='generator_ema',
                 truncation=1., seed=2021, out_dir=None, cell=None):
        if num_samples < 1 or num_columns < 1:
            raise ValueError('SampleGridHook needs num_samples >= 1 and num_columns >= 1')
        super().__init__(interval, out_dir)
        self.num_samples = num_samples
        self.num_columns = num_columns
        self.generator_name = generator_name
        self.truncation = truncation
        self.seed = seed
        self.cell = cell

    def generator(self, runner):
        model = unwrap_model(runner.model)
        if not hasattr(model, self.generator_name):
            raise AttributeError(f'SampleGridHook: {type(model).__name__} has no '
                                 f'"{self.generator_name}" to sample from')
        generator = getattr(model, self.generator_name)
        # the network inside an averaged model (StyleGAN2's generator_ema) or a DDP wrapper
        while isinstance(generator, BaseAveragedModel) or is_model_wrapper(generator):
            generator = generator.module
        return generator

    @master_only
    @torch.no_grad()
    def save_grid(self, runner, iteration):
        """Draw the fixed samples and hand the grid to the visualizer; returns its file's path."""
        generator = self.generator(runner)
        z = torch.randn(self.num_samples, generator.style_channels,
                        generator=torch.Generator().manual_seed(self.seed))
        imgs = generator(z.to(generator.latent_mean.device), randomize_noise=False,
                         truncation=self.truncation)
        imgs = ((imgs.clamp(-1, 1) + 1) / 2).cpu()
        rows = [list(imgs[i:i + self.num_columns]) for i in range(0, len(imgs), self.num_columns)]
        rows[-1] += [torch.ones_like(imgs[0])] * (len(rows[0]) - len(rows[-1]))
        out_file = self.grid_file(runner, iteration)
        add_grid(runner.visualizer, 'samples', rows, cell=self.cell or max(generator.out_size, 64),
                 step=iteration, out_file=out_file)
        return out_file
