"""Super-resolve a folder of face crops or whole photos, one PNG per input (``tools/infer.py``).

Output names: the input's path relative to the input folder plus ``.png`` (``a.jpg`` ->
``a.jpg.png``, ``sub/b.png`` -> ``sub/b.png.png`` with ``recursive``), so two inputs never
share an output; a photo's extras are ``NAME.faceI.lr.png`` / ``NAME.faceI.sr.png``
(``save_crops``) and ``NAME.compare.png`` (``side_by_side``). Each PNG goes through
:func:`~dapfsr.utils.fileio.write_image` (a killed run leaves no partial image under a final
name); no output is ever written over an input (an image, or a ``protected`` file such as the
config and checkpoint).

Crop or photo, by an input's longer side against the model's LR side: up to
``CROP_MAX_FACTOR`` x it a face crop, brought to the LR size with MATLAB bicubic
(:func:`~dapfsr.apis.prepare_lr_face`) and super-resolved in batches; larger than
``PHOTO_MIN_FACTOR`` x it a photo whether a face is found or not (written unchanged when
none is); in between a photo when a face is found, else a crop. ``mode`` ``'photo'`` or
``'crop'`` decides for every input. Photos go through
:func:`~dapfsr.apis.super_resolve_photo` one by one.
"""
import os
import os.path as osp
from dataclasses import dataclass, field

import cv2

from dapfsr.datasets.base_face_dataset import IMAGE_EXTENSIONS
from dapfsr.datasets.transforms.loading import read_image
from dapfsr.models.detectors import MTCNN
from dapfsr.utils.fileio import as_uint8, write_image
from dapfsr.utils.user_errors import InputError
from dapfsr.visualization.compare import compare_panel
from .inference import lr_size_of, prepare_lr_face, super_resolve
from .photo import CROP_MAX_FACTOR, PHOTO_MIN_FACTOR, super_resolve_photo


def _file_id(path):
    """(device, inode) of an existing file, else None."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


@dataclass
class FolderPlan:
    """What :func:`super_resolve_folder` does with a folder, found before a model is loaded.

    ``images``: the inputs to super-resolve (paths relative to ``input_dir``, sorted);
    ``total``: the images found, with those ``skip_existing`` left out; ``others``: files that
    are not images; ``unread``: subfolders not read (not ``recursive``); ``protected``:
    {(device, inode): 'what PATH'} of the files no output may replace; ``conflict``: None,
    or the first input whose output would be written over one of them (a one-line message).
    """
    input_dir: str
    output_dir: str
    images: list
    total: int
    others: list
    unread: list
    protected: dict
    conflict: str = None

    @property
    def skipped(self):
        return self.total - len(self.images)


def plan_folder(input_dir, output_dir, recursive=False, skip_existing=False, protected=()):
    """List a folder's inputs and check their outputs (:class:`FolderPlan`).

    Args:
        recursive (bool): Also read subfolders, mirrored in ``output_dir``; ``output_dir``
            is never read where it lies inside ``input_dir``.
        skip_existing (bool): Leave out the inputs whose output exists (an earlier run's).
        protected (Sequence[tuple]): (path or None, name) of other files the run reads (the
            config, the checkpoint): no output may replace them.
    """
    images, others, unread = [], [], []
    for folder, subfolders, files in os.walk(input_dir):
        subfolders[:] = sorted(d for d in subfolders
                               if osp.realpath(osp.join(folder, d)) != osp.realpath(output_dir))
        if not recursive:
            unread += subfolders
            subfolders.clear()
        for name in sorted(files):
            path = osp.relpath(osp.join(folder, name), input_dir)
            (images if name.lower().endswith(IMAGE_EXTENSIONS) else others).append(path)
    ids = {}
    for path, name in [(osp.join(input_dir, p), 'the input') for p in images] + list(protected):
        key = _file_id(path) if path else None
        if key is not None:
            ids.setdefault(key, f'{name} {path}')
    plan = FolderPlan(input_dir, output_dir, images, len(images), others, unread, ids)
    for path in images:
        out = osp.join(output_dir, path + '.png')
        if _file_id(out) in ids:
            plan.conflict = (f'the output of {path}, {out}, is {ids[_file_id(out)]}: it would be '
                             'written over; give another OUTPUT_DIR')
            break
    if skip_existing:
        plan.images = [p for p in images if not osp.exists(osp.join(output_dir, p + '.png'))]
    return plan


@dataclass
class FolderSummary:
    """What :func:`super_resolve_folder` did: ``written`` of ``total`` inputs (``crops`` +
    ``photos``, with ``faces`` super-resolved and ``kept`` left as they were), ``skipped`` by
    ``skip_existing``, ``replaced`` outputs of an earlier run; ``resized``: (path, (h, w)) of
    the crops, brought to ``lr_size``; ``auto_crops``: 'PATH (WxH)' of the inputs larger than
    ``CROP_MAX_FACTOR`` x the LR side taken as crops (no face); ``no_face``: photos written
    unchanged; ``failed``: (path, reason) of the inputs not read, processed or written."""
    output_dir: str
    lr_size: int
    total: int
    skipped: int
    written: int = 0
    crops: int = 0
    photos: int = 0
    faces: int = 0
    kept: int = 0
    replaced: int = 0
    resized: list = field(default_factory=list)
    auto_crops: list = field(default_factory=list)
    no_face: list = field(default_factory=list)
    failed: list = field(default_factory=list)


class _FolderRun:
    """One pass over a plan: crops queued and super-resolved a batch at a time, photos one by
    one, each output written as it is made."""

    def __init__(self, model, plan, summary, options):
        self.model, self.plan, self.summary, self.options = model, plan, summary, options
        self.pending, self.detector = [], None

    def write(self, path, img, name=None):
        """Write the output of input ``path`` (``name``: an extra output of it)."""
        out = osp.join(self.plan.output_dir, name or path + '.png')
        key = _file_id(out)
        if key in self.plan.protected:
            self.summary.failed.append((path, f'not written{f" ({name})" if name else ""}: {out} is '
                                        f'{self.plan.protected[key]}'))
            return False
        try:
            write_image(out, img)
            self.summary.replaced += key is not None and not name
            return True
        except (OSError, ValueError) as err:
            self.summary.failed.append((path, f'not written{f" ({name})" if name else ""}: {err}'))
            return False

    def flush_crops(self):
        batch, self.pending = self.pending, []
        if not batch:
            return
        srs = super_resolve(self.model, [face for _, face in batch], self.options['batch_size'],
                            gray=self.options['gray'])
        for (path, _), sr in zip(batch, srs):
            if self.write(path, sr):
                self.summary.written += 1
                self.summary.crops += 1

    def add(self, path, img):
        """Process one (H, W[, C]) input, or queue it (a crop); ValueError, cv2.error: it
        cannot be."""
        h, w = img.shape[:2]
        size, mode, opts = self.summary.lr_size, self.options['mode'], self.options
        if mode is None and max(h, w) <= CROP_MAX_FACTOR * size:
            mode = 'crop'
        if mode != 'crop':
            photo = as_uint8(img)
            if self.detector is None:  # made at the first photo: a folder of crops needs none
                self.detector = MTCNN(min_face_size=opts['min_face_size'])
            result = super_resolve_photo(self.model, photo, self.detector, scale=opts['photo_scale'],
                                         batch_size=opts['batch_size'], gray=opts['gray'],
                                         large_faces=opts['large_faces'], consistent=opts['consistent'])
            if result.faces or result.kept or mode == 'photo' or max(h, w) > PHOTO_MIN_FACTOR * size:
                self.add_photo(path, photo, result)
                return
            self.summary.auto_crops.append(f'{path} ({w}x{h})')  # small, and no face in it: a crop
        self.summary.resized.append((path, (h, w)))
        self.pending.append((path, prepare_lr_face(img, size)))
        if len(self.pending) >= opts['batch_size']:
            self.flush_crops()

    def add_photo(self, path, photo, result):
        summary = self.summary
        if not result.faces and not result.kept:
            summary.no_face.append(path)
        if self.options['on_photo'] is not None:
            self.options['on_photo'](path, result)
        if not self.write(path, result.image):
            return
        summary.written += 1
        summary.photos += 1
        summary.faces += len(result.faces)
        summary.kept += len(result.kept)
        if self.options['save_crops']:
            for i, face in enumerate(result.faces):
                self.write(path, face.lr, f'{path}.face{i}.lr.png')
                self.write(path, face.sr, f'{path}.face{i}.sr.png')
        if self.options['side_by_side'] and result.faces:
            self.write(path, compare_panel(photo, result), f'{path}.compare.png')


def super_resolve_folder(model, input_dir, output_dir, recursive=False, skip_existing=False,
                         protected=(), mode=None, batch_size=16, gray=None, min_face_size=12.0,
                         photo_scale=None, large_faces=False, consistent=True, save_crops=False,
                         side_by_side=False, plan=None, progress=None, on_photo=None):
    """Super-resolve every image of ``input_dir`` into ``output_dir``, crops and photos alike.

    Args:
        model: A model built by :func:`dapfsr.apis.init_model`.
        input_dir (str): The folder of inputs (:data:`IMAGE_EXTENSIONS`).
        output_dir (str): Where the PNGs go (created).
        recursive, skip_existing, protected: As :func:`plan_folder`.
        mode (str, optional): ``'photo'`` or ``'crop'`` for every input; None: by size (above).
        batch_size (int): Faces per forward pass.
        gray (bool, optional): Gray output; None: the config's ``gray_output``.
        min_face_size (float): Smallest face sought in photos, in pixels (MTCNN).
        photo_scale, large_faces, consistent: :func:`~dapfsr.apis.super_resolve_photo`'s
            ``scale``, ``large_faces`` and ``consistent``.
        save_crops (bool): Also write each face of a photo as the model took and drew it.
        side_by_side (bool): Also write each photo's :func:`~dapfsr.visualization.compare_panel`.
        plan (FolderPlan, optional): :func:`plan_folder`'s, made before the model was loaded
            (``tools/infer.py`` checks a folder first); by default made from the arguments above.
        progress (callable, optional): Wraps the list of inputs, e.g. ``tqdm``.
        on_photo (callable, optional): ``on_photo(path, PhotoResult)`` before each photo is written.

    Returns:
        FolderSummary

    Raises:
        InputError: An output would be written over an input.
        DetectorUnavailable: A photo, and no face detector installed.
    """
    if plan is None:
        plan = plan_folder(input_dir, output_dir, recursive, skip_existing, protected)
    if plan.conflict:
        raise InputError(plan.conflict)
    summary = FolderSummary(plan.output_dir, lr_size_of(model), plan.total, plan.skipped)
    run = _FolderRun(model, plan, summary, dict(
        mode=mode, batch_size=batch_size, gray=gray, min_face_size=min_face_size,
        photo_scale=photo_scale, large_faces=large_faces, consistent=consistent,
        save_crops=save_crops, side_by_side=side_by_side, on_photo=on_photo))
    for path in (progress or list)(plan.images):
        try:
            img = read_image(osp.join(plan.input_dir, path))
        except (OSError, ValueError) as err:
            summary.failed.append((path, f'not read: {err}'))
            continue
        try:
            run.add(path, img)
        except (ValueError, cv2.error) as err:
            summary.failed.append((path, f'not processed: {" ".join(str(err).split())[:200]}'))
    run.flush_crops()
    return summary
