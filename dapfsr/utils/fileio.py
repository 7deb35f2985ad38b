"""Writes that a kill cannot leave half-done: a temporary name in the same folder, then a rename.

A later step (``--resume``, ``--adapted``, a results table read by a script)
only ever sees a finished file or none: ``os.replace`` is atomic on POSIX and
Windows when both names are on one file system, which the shared folder ensures.
"""
import contextlib
import os
import os.path as osp
import secrets

import cv2
import numpy as np
import torch


def partial_name(path):
    """A fixed temporary name of ``path``: hidden, and not ending in ``.pth``. Only for
    a writer that is alone on ``path`` (one rank saving a checkpoint); concurrent writers
    need :func:`unique_partial_name`."""
    folder, name = osp.split(path)
    return osp.join(folder, f'.{name}.partial')


def unique_partial_name(path):
    """Create and open a temporary file of its own next to ``path``: ``(fd, name)``.

    ``.NAME.<random>.partial``, hidden, not ending in ``.pth``, created with
    ``O_EXCL`` (two writers never share one, as they would a fixed name) and mode
    0666 less the umask (what ``open(path, 'w')`` gives; ``mkstemp`` would give 0600).
    """
    folder, name = osp.split(path)
    for _ in range(100):
        tmp = osp.join(folder, f'.{name}.{secrets.token_hex(6)}.partial')
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_BINARY', 0),
                           0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f'no free temporary name next to {path}')


@contextlib.contextmanager
def atomic_write(path, mode='w'):
    """``open(path, mode)`` that leaves either the old file or the complete new one.

    Creates the parent folder. Each call writes a temporary file of its own
    (:func:`unique_partial_name`) and renames it onto ``path`` when complete, so
    writers running at once never write into one file: a reader sees one writer's
    whole file. On an exception the partial file is removed and ``path`` is untouched.
    """
    if osp.dirname(path):
        os.makedirs(osp.dirname(path), exist_ok=True)
    fd, tmp = unique_partial_name(path)
    try:
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)


@contextlib.contextmanager
def atomic_path(path):
    """A temporary name beside ``path`` for writers that take a file name (an ONNX export, a
    JPEG encoder): its extension is ``path``'s, the format some of them go by. It is renamed
    onto ``path`` when the block ends, removed on an exception (``path`` untouched)."""
    folder, name = osp.split(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    root, ext = osp.splitext(name)
    tmp = osp.join(folder, f'.{root}.{secrets.token_hex(6)}.partial{ext}')
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)


def torch_save_atomic(obj, path):
    """``torch.save(obj, path)`` through :func:`atomic_write`."""
    with atomic_write(path, 'wb') as f:
        torch.save(obj, f)


def as_uint8(img):
    """An image as float in [0, 1] (or uint8, kept as it is) -> uint8."""
    img = np.asarray(img)
    return img if img.dtype == np.uint8 else (np.clip(img, 0, 1) * 255.0).round().astype(np.uint8)


def write_image(path, img):
    """``img`` (H, W[, C]) RGB or gray, uint8 or float in [0, 1], to ``path`` through
    :func:`atomic_write`: PNG (lossless), or the format its extension names (JPEG, ...).
    Creates the folder; returns ``path``."""
    img = as_uint8(img)
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[..., 0]
    elif img.ndim == 3:
        img = img[..., ::-1]  # OpenCV writes BGR
    ext = osp.splitext(path)[1] or '.png'
    ok, data = cv2.imencode(ext, img)
    if not ok:
        raise ValueError(f'could not encode an image as {ext} for {path}')
    with atomic_write(path, 'wb') as f:
        f.write(data.tobytes())
    return path
