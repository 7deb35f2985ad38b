"""Grids of a style network's faces (RAIN) restyled after one target exemplar while it trains."""
import torch
from mmengine.dist import master_only

from dapfsr.datasets.transforms import read_face_tensor
from dapfsr.registry import HOOKS
from dapfsr.utils.distributed import unwrap_model
from dapfsr.visualization import add_grid
from .sample_grid_hook import TrainingGridHook


@HOOKS.register_module()
class StyleGridHook(TrainingGridHook):
    """Every ``interval`` iterations (and after the last) save a grid of stylised faces.

    Rows: the ``content`` faces. Columns: the content face, the ``exemplar``, the face
    stylised with the exemplar's posterior mean (eps = psi) and with ``num_samples`` styles
    eps = psi + N(0, I) xi drawn around it. The draws come from ``seed`` each time (torch's
    global generator is forked, so training's stream is untouched): successive grids show
    the same styles. Handed to ``runner.visualizer`` as image ``styles`` at step n, written to
    ``<out_dir>/iter_<n>.png``. The model gives ``style_posterior``, ``sample_style`` and
    ``stylize`` (:class:`~dapfsr.models.editors.RAIN`).

    Args:
        exemplar (str): Image file of the target exemplar (e.g. a Yale B frame).
        content (Sequence[str]): Image files of the content faces.
        size (int): Side the faces are resized to (the model's training size).
        content_crop_box (Sequence[int], optional): The content faces' box in their files
            (e.g. CelebA's MTDN box); None: the whole image.
        interval (int): Iterations between grids.
        num_samples (int): Sampled styles per row.
        seed (int): Seed of the sampled styles.
        out_dir (str, optional): Default ``<work_dir>/styles``.
    """

    grid_name = 'styles'

    def __init__(self, exemplar, content, size=64, content_crop_box=None, interval=1000, num_samples=4, seed=2020,
                 out_dir=None):
        if not content or num_samples < 0:
            raise ValueError('StyleGridHook needs at least one content face and num_samples >= 0')
        self.exemplar, self.content = exemplar, list(content)
        super().__init__(interval, out_dir)
        self.size, self.num_samples = size, num_samples
        self.content_crop_box, self.seed = content_crop_box, seed
        self.faces = None

    def before_train(self, runner):
        # read now: a wrong path fails before the first iteration, not after 1,000
        self.faces = (read_face_tensor(self.exemplar, size=self.size)[None],
                      torch.stack([read_face_tensor(path, self.content_crop_box, self.size) for path in self.content]))

    @master_only
    @torch.no_grad()
    def save_grid(self, runner, iteration):
        """Stylise the content faces and hand the grid to the visualizer; returns its file's path."""
        model = unwrap_model(runner.model)
        if self.faces is None:
            self.before_train(runner)
        device = next(model.parameters()).device
        exemplar, content = (x.to(device) for x in self.faces)
        with torch.random.fork_rng(devices=[device] if device.type == 'cuda' else []):
            torch.manual_seed(self.seed)
            psi, xi = model.style_posterior(exemplar)
            styles = [psi] + [model.sample_style(psi, xi) for _ in range(self.num_samples)]
        columns = [model.stylize(content, eps.expand(len(content), -1)) for eps in styles]
        images = torch.stack([content, exemplar.expand_as(content), *columns], 1)
        rows = [list(row) for row in ((images.clamp(-1, 1) + 1) / 2).cpu()]
        titles = ['content', 'exemplar', 'mean'] + [f'sample {i + 1}' for i in range(self.num_samples)]
        out_file = self.grid_file(runner, iteration)
        add_grid(runner.visualizer, 'styles', rows, titles, cell=max(self.size, 64), step=iteration,
                 out_file=out_file)
        return out_file
