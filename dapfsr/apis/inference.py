"""Python API: build a model from a config and checkpoint, and super-resolve faces."""

import numpy as np
import torch

from dapfsr.datasets.transforms.formatting import image_to_tensor
from dapfsr.datasets.transforms.loading import read_image
from dapfsr.registry import MODELS
from dapfsr.setup_env import register_all_modules
from dapfsr.structures import FaceSRDataSample
from dapfsr.utils import load_model_weights
from dapfsr.utils.checkpoint import check_checkpoint_for_config
from dapfsr.utils.colour import BT601_LUMA
from dapfsr.utils.config import read_config
from dapfsr.utils.project_paths import resolve_project_paths
from dapfsr.utils.matlab_resize import matlab_imresize


def init_model(config, checkpoint=None, adapted=None, device='cpu', cfg_options=None):
    """Build a model from a config, load its weights and put it in eval mode.

    Args:
        config (str | Config): Config file or object with a ``model`` key.
        checkpoint (str, optional): Weights (mmengine checkpoint or state dict),
            loaded with ``weights_only=True`` and checked against the model
            (:func:`dapfsr.utils.load_model_weights`).
        adapted (str, optional): A file of adapted parameters written by
            ``tools/adapt.py``, applied on top of ``checkpoint``.
        device (str): Where the model runs.
        cfg_options (dict, optional): Overrides merged into the config.

    Returns:
        nn.Module: The model, with ``model.cfg`` set to the config.

    Raises:
        FileNotFoundError: A missing file, named.
        dapfsr.utils.CheckpointError: A checkpoint of another model or profile
            (checked before the model is built), one whose keys do not fit, a merged
            one or a delta adapted on another decoder than the model has, or a damaged delta.
    """
    register_all_modules()
    if isinstance(config, str):
        config = read_config(config)
    if cfg_options:
        config.merge_from_dict(cfg_options)
        resolve_project_paths(config)
    loaded = check_checkpoint_for_config(checkpoint, config) if checkpoint is not None else None
    model = MODELS.build(config.model)
    from dapfsr.adaptation.delta import check_merged_checkpoint, load_adapted_parameters
    if checkpoint is not None:
        load_model_weights(model, checkpoint, loaded=loaded)
        check_merged_checkpoint(model, loaded, checkpoint)  # merge_delta.py's, on its decoder
    if adapted is not None:
        load_adapted_parameters(model, adapted, source_checkpoint=checkpoint)
    model.cfg = config
    return model.to(device).eval()


def lr_size_of(model):
    """The LR side the model expects: ``model.lr_size``, else the config's ``scale_lr``."""
    size = getattr(model, 'lr_size', None) or getattr(getattr(model, 'cfg', None), 'scale_lr', None)
    if size is None:
        raise AttributeError('cannot tell the model\'s LR size: set model.lr_size or scale_lr '
                             'in its config')
    return int(size)


def gray_output_of(model):
    """Whether the model's config asks for gray output: its top-level ``gray_output`` key.

    A config of a gray target domain (Extended Yale B, near-infrared) sets
    ``gray_output = True``, so :func:`super_resolve` and ``tools/infer.py`` give gray
    faces for a gray camera whose files are stored as RGB.
    """
    cfg = getattr(model, 'cfg', None)
    return bool(cfg.get('gray_output', False)) if cfg is not None else False


def prepare_lr_face(img, size, num_channels=None):
    """An LR face (path or (h, w[, c]) array) -> (C, size, size) tensor in [0, 1].

    Faces of another size are resized with MATLAB-compatible bicubic, the
    kernel the training LR faces were made with. A (C, h, w) tensor, already
    prepared, passes through after a shape check. ``num_channels``: None keeps
    the face's channels, 3 replicates a gray face, 1 makes a colour face gray
    (ITU-R BT.601 luma, as ``LoadFaceImage(num_channels=1)``).
    """
    if isinstance(img, torch.Tensor):
        if img.ndim != 3 or img.shape[1:] != (size, size):
            raise ValueError(f'a prepared LR face must be (C, {size}, {size}), got {tuple(img.shape)}')
        face = img
    else:
        if isinstance(img, str):
            img = read_image(img)
        img = np.asarray(img)
        if img.ndim == 2:
            img = img[..., None]
        if img.ndim != 3 or img.shape[2] not in (1, 3, 4):
            raise ValueError(f'an LR face must be (h, w), (h, w, 1), (h, w, 3) or (h, w, 4), '
                             f'got shape {img.shape}')
        img = img[..., :3]
        if img.shape[:2] != (size, size):
            img = matlab_imresize(img.astype(np.float32) / (255.0 if img.dtype == np.uint8 else 1.0),
                                  size=(size, size)).clip(0, 1)
        face = image_to_tensor(img)
    if num_channels == 3 and face.shape[0] == 1:
        face = face.expand(3, -1, -1)
    elif num_channels == 1 and face.shape[0] == 3:
        face = (face * face.new_tensor(BT601_LUMA)[:, None, None]).sum(0, keepdim=True)
    return face


@torch.no_grad()
def super_resolve(model, faces, batch_size=16, gray=None):
    """Super-resolve LR faces.

    Args:
        model: A model built by :func:`init_model` (DAP-FSR or any baseline
            whose ``test_step`` fills ``pred_img``).
        faces (list): Paths or (h, w[, c]) arrays; each is resized to the
            model's LR size when it differs.
        batch_size (int): Faces per forward pass.
        gray (bool, optional): Gray output for every face: colour LR faces are
            made gray first (BT.601 luma) and, as for any gray LR face, the model's
            ``predict`` returns its SR face with one channel (the mean of its RGB
            output). None: the config's ``gray_output`` (:func:`gray_output_of`).
            A gray LR face gives a gray SR face either way.

    Returns:
        list[np.ndarray]: (H, W, C) uint8 SR faces, in input order; C = 1 for
        gray faces, else 3.
    """
    size = lr_size_of(model)
    gray = gray_output_of(model) if gray is None else gray
    results = []
    for start in range(0, len(faces), batch_size):
        batch = [prepare_lr_face(f, size, num_channels=1 if gray else None)
                 for f in faces[start:start + batch_size]]
        samples = model.test_step(dict(inputs=batch,
                                       data_samples=[FaceSRDataSample(lr_img=f) for f in batch]))
        for sample in samples:
            img = sample.pred_img.detach().cpu().clamp(0, 1).permute(1, 2, 0).numpy()
            results.append((img * 255.0).round().astype(np.uint8))
    return results
