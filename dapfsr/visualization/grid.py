"""Picture grids: columns such as LR / bicubic / ours / ground truth, one face a row."""

import cv2
import numpy as np
import torch

from dapfsr.utils.fileio import as_uint8, write_image
from dapfsr.utils.matlab_resize import imresize


def to_uint8_image(img, size=None):
    """(C, H, W) tensor or (H, W[, C]) array in [0, 1] -> (size, size, 3) uint8 RGB.

    Gray images are replicated to 3 channels; ``size`` resizes with nearest
    neighbour so that LR pixels stay visible as blocks.
    """
    if isinstance(img, torch.Tensor):
        img = img.detach().float().cpu().clamp(0, 1).numpy()
        img = img.transpose(1, 2, 0) if img.ndim == 3 else img
    img = as_uint8(img)
    if img.ndim == 2:
        img = img[..., None]
    if img.shape[2] == 1:
        img = np.repeat(img, 3, axis=2)
    if size is not None and img.shape[:2] != (size, size):
        img = cv2.resize(img, (size, size), interpolation=cv2.INTER_NEAREST)
    return img


def put_text(canvas, text, origin, scale=0.38):
    """Draw ``text`` in black on ``canvas`` (H, W, 3) uint8, in place, its baseline starting at
    ``origin`` (x, y): the labels of the grids and of the photo comparison."""
    cv2.putText(canvas, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 1, cv2.LINE_AA)


def make_image_grid(rows, column_titles=None, cell=128, pad=2):
    """Tile ``rows`` (each a list of images, same length) into one uint8 RGB array.

    Args:
        rows (list[list]): Images as accepted by :func:`to_uint8_image`.
        column_titles (list[str], optional): Drawn above each column.
        cell (int): Side of each cell in pixels.
        pad (int): White border between cells.
    """
    if not rows:
        raise ValueError('make_image_grid needs at least one row')
    ncol = len(rows[0])
    if any(len(r) != ncol for r in rows):
        raise ValueError('every row of an image grid needs the same number of images')
    title_h = 16 if column_titles else 0
    height = title_h + len(rows) * (cell + pad) + pad
    width = ncol * (cell + pad) + pad
    canvas = np.full((height, width, 3), 255, np.uint8)
    for j, title in enumerate(column_titles or []):
        put_text(canvas, str(title)[:18], (pad + j * (cell + pad) + 2, 12))
    for i, row in enumerate(rows):
        y = title_h + pad + i * (cell + pad)
        for j, img in enumerate(row):
            x = pad + j * (cell + pad)
            canvas[y:y + cell, x:x + cell] = to_uint8_image(img, cell)
    return canvas


def save_image_grid(path, rows, column_titles=None, cell=128):
    """Write :func:`make_image_grid` to ``path`` (PNG/JPEG by extension); returns path.

    For scripts that run outside a Runner; hooks and loops hand their grids to the
    Runner's visualizer (:func:`dapfsr.visualization.add_grid`).
    """
    return write_image(path, make_image_grid(rows, column_titles, cell))


def sr_grid_rows(lrs, gts, predictions, leading=()):
    """One row per face: [*leading, LR, bicubic, *predictions, ground truth].

    Args:
        lrs (Sequence[Tensor]): LR faces (C, h, w) in [0, 1].
        gts (Sequence[Tensor] | None): Ground-truth faces (C, H, W) in [0, 1];
            None (LR-only data) leaves the column out.
        predictions (Sequence[Sequence[Tensor]]): One sequence of (C, H, W) outputs
            per method column, aligned with ``lrs``; bicubic goes to their size.
        leading (Sequence): Images put first in every row (e.g. the exemplar).
    """
    rows = []
    for i, lr in enumerate(lrs):
        outputs = [column[i] for column in predictions]
        bicubic = imresize(lr[None].float(), size=outputs[0].shape[-2:])[0].clamp(0, 1)
        rows.append([*leading, lr, bicubic, *outputs] + ([gts[i]] if gts is not None else []))
    return rows
