"""The Runner's visualizer: every picture grid of a run goes to its vis backends.

The hooks (``ResultGridHook``, ``SampleGridHook``, ``OneShotAdaptationHook``) and ``OneShotTestLoop``
draw their grids with :func:`make_image_grid` and hand them to ``runner.visualizer`` by
:func:`add_grid`, each under a name (the TensorBoard tag), a step (the training iteration)
and the file it is documented to be written to (``out_file``). ``configs/_base_/default_runtime.py``
sets ``visualizer = dict(type='FaceSRVisualizer', vis_backends=[dict(type='FaceSRLocalVisBackend')])``:
:class:`FaceSRLocalVisBackend` writes each grid to its ``out_file`` (``<work_dir>/grids/val_iter_<n>.png``,
``<work_dir>/samples/iter_<n>.png``, ...) and the config and logged scalars to
``<work_dir>/<timestamp>/vis_data`` as mmengine's ``LocalVisBackend`` does. Adding
``dict(type='TensorboardVisBackend')`` to ``vis_backends`` puts the same grids and scalars into
TensorBoard event files in ``<work_dir>/<timestamp>/vis_data`` (needs ``pip install -e '.[tensorboard]'``).
"""
import logging

import numpy as np
from mmengine.dist import master_only
from mmengine.registry import DefaultScope
from mmengine.logging import print_log
from mmengine.visualization import LocalVisBackend, Visualizer
from mmengine.visualization.vis_backend import force_init_env

from dapfsr.registry import VISBACKENDS, VISUALIZERS
from dapfsr.utils.fileio import write_image
from .grid import make_image_grid

_warned = set()  # visualizers told once that they pass no out_file on


@VISUALIZERS.register_module()
class FaceSRVisualizer(Visualizer):
    """mmengine's :class:`~mmengine.visualization.Visualizer` whose :meth:`add_image` passes its
    keyword arguments (``out_file``) on to every vis backend.

    mmengine's backends take and ignore them (TensorBoard, WandB, ... keep the image under its
    name and step); :class:`FaceSRLocalVisBackend` writes the image to ``out_file``. Backends
    given as config dicts are looked up in dapfsr's registry (then mmengine's), whatever the
    default scope. Arguments as for mmengine's ``Visualizer``.
    """

    def __init__(self, name='visualizer', **kwargs):
        with DefaultScope.overwrite_default_scope('dapfsr'):
            super().__init__(name=name, **kwargs)

    @master_only
    def add_image(self, name, image, step=0, **kwargs):
        """Record ``image`` (uint8 RGB, H x W x 3) in every backend under ``name`` at ``step``.

        Args:
            name (str): The image's tag.
            image (np.ndarray): The picture.
            step (int): Global step (training iteration).
            **kwargs: Passed to each backend's ``add_image``, e.g. ``out_file``: the
                file :class:`FaceSRLocalVisBackend` writes the image to.
        """
        for backend in self._vis_backends.values():
            backend.add_image(name, image, step, **kwargs)


@VISBACKENDS.register_module()
class FaceSRLocalVisBackend(LocalVisBackend):
    """mmengine's :class:`~mmengine.visualization.LocalVisBackend` that writes an image given
    with an ``out_file`` there, atomically (a temporary name, then a rename).

    Images without one go to ``<save_dir>/vis_image/<name>_<step>.png``, the config and scalars
    to ``<save_dir>`` (``config.py``, ``scalars.json``), as in ``LocalVisBackend``.
    """

    @force_init_env
    def add_image(self, name, image, step=0, out_file=None, **kwargs):
        if out_file is None:
            return super().add_image(name, image, step, **kwargs)
        if image.dtype != np.uint8:
            raise TypeError(f'{type(self).__name__}.add_image needs a uint8 image, got {image.dtype}')
        write_image(out_file, image)


def add_grid(visualizer, name, rows, column_titles=None, cell=128, step=0, out_file=None):
    """Draw ``rows`` by :func:`make_image_grid` and hand the grid to ``visualizer``.

    Args:
        visualizer (Visualizer): Usually ``runner.visualizer``.
        name (str): Tag of the grid (TensorBoard's image tag).
        rows, column_titles, cell: As for :func:`make_image_grid`.
        step (int): Global step (training iteration).
        out_file (str, optional): The file the grid is documented to be written to, which
            :class:`FaceSRLocalVisBackend` writes. A visualizer other than
            :class:`FaceSRVisualizer` (e.g. mmengine's default when a Runner is built
            without dapfsr's ``default_runtime``) cannot pass it on: its backends keep the
            grid where they keep images (``LocalVisBackend``: ``vis_data/vis_image/<name>_<step>.png``).

    Returns:
        np.ndarray: The grid (uint8 RGB).
    """
    grid = make_image_grid(rows, column_titles, cell)
    if isinstance(visualizer, FaceSRVisualizer):
        visualizer.add_image(name, grid, step, out_file=out_file)
    else:
        if out_file is not None and id(visualizer) not in _warned:
            _warned.add(id(visualizer))
            print_log(f'{type(visualizer).__name__} passes no out_file to its vis backends: grids such '
                      f'as {out_file} go where its backends keep images (visualizer = '
                      "dict(type='FaceSRVisualizer', vis_backends=[dict(type='FaceSRLocalVisBackend')]) "
                      'writes them there)', logger='current', level=logging.WARNING)
        visualizer.add_image(name, grid, step)
    return grid
