"""Writes that a kill cannot leave half-done: a temporary name in the same folder, then a rename.

A later step (``--resume``, ``--adapted``, a results table read by a script)
only ever sees a finished file or none: ``os.replace`` is atomic on POSIX and
Windows when both names are on one file system, which the shared folder ensures.
"""
import contextlib
import os
import os.path as osp

import torch


def partial_name(path):
    """The temporary name a file is written under: hidden, and not ending in ``.pth``."""
    folder, name = osp.split(path)
    return osp.join(folder, f'.{name}.partial')


@contextlib.contextmanager
def atomic_write(path, mode='w'):
    """``open(path, mode)`` that leaves either the old file or the complete new one.

    Creates the parent folder. On an exception the partial file is removed and
    ``path`` is untouched.
    """
    if osp.dirname(path):
        os.makedirs(osp.dirname(path), exist_ok=True)
    tmp = partial_name(path)
    try:
        with open(tmp, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)


def torch_save_atomic(obj, path):
    """``torch.save(obj, path)`` through :func:`atomic_write`."""
    with atomic_write(path, 'wb') as f:
        torch.save(obj, f)
