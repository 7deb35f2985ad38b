"""A local web page for one-shot adaptation (``tools/webui.py``): drop one exemplar, see the faces change.

The decisions live here; the page (Gradio, the optional ``web`` extra) only calls them:

- :data:`WEBUI_MODELS`, the committed models the page offers (DAP-FSR and the baselines,
  each with the adaptation its config names);
- :class:`WebUI`: per browser session its own adapted models in its own temporary folder
  (:class:`Session`), adapted by :func:`dapfsr.adaptation.adapt_and_save` (the step and the
  file of ``tools/adapt.py``) with a progress callback and a cancel
  (:func:`dapfsr.adaptation.adaptation_callback`), and super-resolved by
  :func:`dapfsr.apis.super_resolve` / :func:`dapfsr.apis.super_resolve_photo`;
- :func:`build_page` lays the page out, :func:`launch` serves it on 127.0.0.1.

Every bad input (a file that is not an image, an empty or too large upload, a photo with no
face, a cancelled adaptation) becomes a one-line message naming the file, shown in the page.
"""
import atexit
import copy
import functools
import os
import os.path as osp
import shutil
import tempfile
import threading
import time
import traceback
import warnings
from dataclasses import dataclass, field
from typing import NamedTuple, Optional

import cv2
import numpy as np

from dapfsr.utils.fileio import as_uint8, write_image
from dapfsr.utils.project_paths import PROJECT_ROOT
from .photo import CROP_MAX_FACTOR, PHOTO_MIN_FACTOR

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 16_000_000
BICUBIC_CONFIG = 'configs/bicubic/bicubic_x4_yaleb.py'
COLUMNS = ('input', 'bicubic', 'source only', 'adapted')


class WebModel(NamedTuple):
    """One choice of the page: a config, its checkpoint (None: no weights) and a label."""
    key: str
    label: str
    config: str
    checkpoint: Optional[str]


# The committed small-profile models (16 -> 64 px, CelebA-HQ -> Extended Yale B configs), the
# default one-shot row first (README, "Main job").
WEBUI_MODELS = (
    WebModel('dapfsr', 'DAP-FSR: DAMMA + LR consistency (default)',
             'configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x5_lr-consistent.py',
             'checkpoints/dapfsr_small_celebahq.pth'),
    WebModel('dapfsr-paper', 'DAP-FSR: DAMMA as in the paper (Algorithm 1)',
             'configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-generated-pairs-3x15.py',
             'checkpoints/dapfsr_small_celebahq.pth'),
    WebModel('mtdn', 'MTDN + ASM', 'configs/mtdn/mtdn_small_2k_celeba-hq2yaleb_asm-20x2.py',
             'checkpoints/mtdn_small_celebahq.pth'),
    WebModel('cpgan', 'CPGAN + ASM', 'configs/cpgan/cpgan_small_10k_celeba-hq2yaleb_asm-20x2.py',
             'checkpoints/cpgan_small_celebahq.pth'),
    WebModel('bicubic-aligned', 'Bicubic, aligned (no adaptation)', 'configs/bicubic/bicubic-aligned_x4_yaleb.py',
             None),
)


def project_path(path):
    return path if path is None or osp.isabs(path) else osp.join(PROJECT_ROOT, path)


class WebInputError(ValueError):
    """A bad input of the page; its message (one line, naming the file) is shown there."""


def upload_name(path):
    """The name the user's file had: Gradio keeps it as the upload's base name."""
    return osp.basename(path)


def read_upload(path, max_bytes=MAX_UPLOAD_BYTES, max_pixels=MAX_PIXELS):
    """An uploaded image as ``read_image`` gives it, or :class:`WebInputError` naming it: no
    file, 0 bytes, over ``max_bytes``, over ``max_pixels`` (read from the header before
    decoding) or not an image."""
    from dapfsr.datasets.transforms.loading import read_image
    name = upload_name(path)
    if not osp.isfile(path):
        raise WebInputError(f'{name}: the upload did not arrive; upload it again')
    size = osp.getsize(path)
    if size == 0:
        raise WebInputError(f'{name} is an empty file (0 bytes), not an image')
    if size > max_bytes:
        raise WebInputError(f'{name} is {size / 2**20:.1f} MB; the page takes images up to '
                            f'{max_bytes / 2**20:.0f} MB')
    try:
        from PIL import Image
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            with Image.open(path) as img:
                width, height = img.size
    except Exception:  # noqa: BLE001 not something PIL knows: read_image tells
        width = height = 0
    if width * height > max_pixels:
        raise WebInputError(f'{name} is {width}x{height} ({width * height / 1e6:.0f} megapixels); the page '
                            f'takes images up to {max_pixels / 1e6:.0f} megapixels')
    try:
        img = read_image(path)
    except (ValueError, FileNotFoundError):
        raise WebInputError(f'{name} is not an image that can be read (PNG, JPEG, BMP, PGM, TIFF, '
                            'WebP)') from None
    if img.shape[0] * img.shape[1] > max_pixels:
        raise WebInputError(f'{name} is {img.shape[1]}x{img.shape[0]}; the page takes images up to '
                            f'{max_pixels / 1e6:.0f} megapixels')
    return img


def enlarge(img, size):
    """(h, w[, C]) -> (size[1], size[0], C), nearest neighbour: the input's pixels, shown large."""
    img = as_uint8(img)
    out = cv2.resize(img, size, interpolation=cv2.INTER_NEAREST)
    return out[..., None] if out.ndim == 2 else out


@dataclass
class AdaptedModel:
    """A session's adaptation of one model: the model, its adapted-parameter file and the
    exemplar pair it learnt from, as the model took it ((H, W, C) uint8 HR and LR)."""
    model: object
    delta: str
    hr: np.ndarray
    lr: np.ndarray


@dataclass
class Session:
    """One browser session: its folder, its adapted models (by model key) and its cancel flag."""
    folder: str
    adapted: dict = field(default_factory=dict)
    cancel: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Row(NamedTuple):
    """What the page shows of one input: its name and the images of :data:`COLUMNS` (the
    adapted one None before an adaptation)."""
    name: str
    images: tuple


class WebUI:
    """The page's state and work, without the page: testable from Python.

    Args:
        models (Sequence[WebModel]): The choices; the first is the default.
        cfg_options (dict, optional): Overrides merged into the first model's config.
        work_dir (str, optional): Where the sessions' folders go; default a new temporary
            folder, removed by :meth:`close`.
        device (str): Where the models run.
    """

    def __init__(self, models=WEBUI_MODELS, cfg_options=None, work_dir=None, device='cpu'):
        self.models = {m.key: m._replace(config=project_path(m.config), checkpoint=project_path(m.checkpoint))
                       for m in models}
        self.default_key = next(iter(self.models))
        self.cfg_options = dict(cfg_options or {})
        self.own_dir = work_dir is None
        self.work_dir = tempfile.mkdtemp(prefix='dapfsr-webui-') if work_dir is None else work_dir
        self.device = device
        self._sources, self._sessions = {}, {}
        self._lock = threading.Lock()
        self._adapting = threading.Lock()  # DAMMA seeds the global RNGs: one adaptation at a time
        self._detector = None

    # -- models ------------------------------------------------------------------------------
    def source_model(self, key):
        """The model ``key`` as loaded (shared by the sessions, never adapted in place)."""
        from .inference import init_model
        if key not in self.models and key != 'bicubic':
            raise WebInputError(f'no model {key!r}; choose one of {", ".join(self.models)}')
        with self._lock:
            if key not in self._sources:
                if key == 'bicubic':
                    self._sources[key] = init_model(project_path(BICUBIC_CONFIG), device=self.device)
                else:
                    entry = self.models[key]
                    options = self.cfg_options if key == self.default_key else None
                    self._sources[key] = init_model(entry.config, entry.checkpoint, device=self.device,
                                                    cfg_options=options)
            return self._sources[key]

    def gray_default(self, key):
        from .inference import gray_output_of
        return gray_output_of(self.source_model(key))

    def detector(self):
        from dapfsr.models.detectors import MTCNN, DetectorUnavailable
        if self._detector is None:
            try:
                self._detector = MTCNN()
            except DetectorUnavailable as err:
                raise WebInputError(f'photos need the face detector: {err}') from None
        return self._detector

    # -- sessions ----------------------------------------------------------------------------
    def session(self, session_id):
        with self._lock:
            if session_id not in self._sessions:
                folder = osp.join(self.work_dir, f'session-{len(self._sessions)}-{os.getpid()}-{time.time_ns()}')
                os.makedirs(folder)
                self._sessions[session_id] = Session(folder)
            return self._sessions[session_id]

    def close_session(self, session_id):
        """Forget a session (its browser tab closed): its models and its folder."""
        with self._lock:
            session = self._sessions.pop(session_id, None)
        if session is not None:
            shutil.rmtree(session.folder, ignore_errors=True)

    def close(self):
        """Remove every session and, when it made it, the work folder."""
        for session_id in list(self._sessions):
            self.close_session(session_id)
        if self.own_dir:
            # Gradio's upload and request threads may still be writing into it as the server
            # stops: remove until it stays removed
            for _ in range(20):
                shutil.rmtree(self.work_dir, ignore_errors=True)
                if not osp.exists(self.work_dir):
                    break
                time.sleep(0.1)
            # and once more when the process ends, after the server's last threads have written
            atexit.register(shutil.rmtree, self.work_dir, True)

    def cancel(self, session_id):
        """Ask the session's running adaptation to stop after its current step."""
        self.session(session_id).cancel.set()
        return 'cancelling the adaptation ...'

    # -- exemplars ---------------------------------------------------------------------------
    def aligned_face(self, img, side, folder, name, role):
        """The largest face of a photo aligned to the training crop at ``side`` px as infer.py
        aligns faces (:func:`dapfsr.apis.face_alignment.crop_lr_face`, five landmarks onto the CelebA-HQ
        crop, MATLAB bicubic), written as a PNG; None when no face is found."""
        from .face_alignment import alignment_matrix, crop_lr_face
        faces = self.detector().detect(as_uint8(img))
        if not faces:
            return None
        face = max(faces, key=lambda f: f.size)
        crop = crop_lr_face(img, alignment_matrix(face.landmarks), side)
        return write_image(osp.join(folder, f'exemplar_{role.lower()}_{name}.aligned.png'), crop)

    def exemplar_file(self, path, side, lr_size, folder, role, notes):
        """The exemplar file to adapt from: the upload at ``side`` px as it is; a photo's face
        aligned (a face found in an upload larger than 2 x the LR side); else the upload, which
        ``load_exemplar_files`` cuts and resizes as the config's test faces are."""
        img = read_upload(path)
        name = upload_name(path)
        h, w = img.shape[:2]
        if (h, w) == (side, side):
            return path
        if max(h, w) > CROP_MAX_FACTOR * lr_size:
            aligned = self.aligned_face(img, side, folder, name, role)
            if aligned is not None:
                notes.append(f'{role} {name} ({w}x{h}): its face found and aligned to the training crop, '
                             f'{side} px')
                return aligned
            if max(h, w) > PHOTO_MIN_FACTOR * lr_size:
                raise WebInputError(f'exemplar {role} {name} ({w}x{h}): no face found in it (MTCNN, '
                                    'faces of 12 px and larger); give a face or a photo with one')
        notes.append(f'{role} {name} ({w}x{h}) resized to {side} px as the test faces are made')
        return path

    def adapt(self, session_id, key, hr_path, lr_path=None, progress=None):
        """Adapt the session's copy of model ``key`` to one exemplar (HR file, optional LR file)
        with its config's schedule and seed, and save its adapted-parameter file.

        Args:
            progress (callable, optional): ``progress(step, total, seconds)`` after each step.

        Returns:
            tuple[AdaptedModel, str]: The adaptation and a one-line message.

        Raises:
            WebInputError: A bad upload, a model with no adaptation, or a cancel.
        """
        from dapfsr.adaptation import adapt_and_save, file_exemplars
        from dapfsr.adaptation.exemplars import config_face_sizes
        from dapfsr.adaptation import AdaptationCancelled, adaptation_callback
        from .inference import lr_size_of
        if not hr_path:
            raise WebInputError('no exemplar: upload an HR face (and, if you have it, its LR face)')
        session = self.session(session_id)
        source = self.source_model(key)
        entry = self.models[key]
        cfg = source.cfg
        if not cfg.get('adaptation'):
            raise WebInputError(f'{entry.label} has no adaptation: its adapted column is its source output')
        folder = osp.join(session.folder, key)
        os.makedirs(folder, exist_ok=True)
        notes = []
        lr_size = lr_size_of(source)
        hr_file = self.exemplar_file(hr_path, source.hr_size, lr_size, folder, 'HR', notes)
        lr_file = self.exemplar_file(lr_path, lr_size, lr_size, folder, 'LR', notes) if lr_path else None
        session.cancel.clear()
        seed = cfg.get('randomness', {}).get('seed') or 0  # as tools/adapt.py
        record = dict(exemplar_hr=[upload_name(hr_path)], exemplar_lr=[upload_name(lr_path)] if lr_path else [])
        exemplars = file_exemplars(hr_file, lr_file, config_face_sizes(cfg)[0] or dict(size=source.hr_size))[0]
        start = time.perf_counter()

        def callback(step, total):
            if progress is not None:
                progress(step, total, time.perf_counter() - start)
            if session.cancel.is_set():
                raise AdaptationCancelled(f'cancelled after step {step} of {total}')

        with self._adapting:
            model = copy.deepcopy(source)
            delta = osp.join(folder, 'adapted_parameters.pth')
            try:
                with adaptation_callback(callback):
                    adapted, _ = adapt_and_save(model, exemplars, cfg.adaptation, delta, entry.checkpoint,
                                                record, seed)
            except AdaptationCancelled as err:
                raise WebInputError(f'adaptation of {entry.label} cancelled ({err}): the model '
                                    'stays as it was') from None
        model.eval()
        hr, lr = (as_uint8(((x[0].detach().cpu().permute(1, 2, 0).numpy() + 1) / 2))
                  for x in (adapted.exemplars.hr, adapted.exemplars.lr))
        result = AdaptedModel(model, delta, hr, lr)
        with session.lock:
            session.adapted[key] = result
        took = time.perf_counter() - start
        message = (f'adapted {entry.label} to {upload_name(hr_path)}'
                   f'{" + " + upload_name(lr_path) if lr_path else " (LR made by the degradation)"}: '
                   f'{len(adapted.history)} steps in {took:.1f} s')
        return result, message + (f'; {"; ".join(notes)}' if notes else '')

    # -- super-resolution --------------------------------------------------------------------
    def super_resolve(self, session_id, key, paths, gray=None):
        """The four columns of each uploaded LR face or photo, and one message per input that
        could not be shown.

        Face crops (up to 2 x the LR side, or larger ones with no face found up to 8 x) go
        through :func:`dapfsr.apis.super_resolve` in one batch per model, photos through
        :func:`dapfsr.apis.super_resolve_photo`, as ``tools/infer.py`` decides.

        Returns:
            tuple[list[Row], list[str]]
        """
        from .inference import lr_size_of, prepare_lr_face, super_resolve
        from .photo import super_resolve_photo
        session = self.session(session_id)
        source, bicubic = self.source_model(key), self.source_model('bicubic')
        with session.lock:
            adapted = session.adapted.get(key)
        models = (bicubic, source, adapted.model if adapted is not None else None)
        size, hr_size = lr_size_of(source), source.hr_size
        gray = self.gray_default(key) if gray is None else bool(gray)
        rows, messages, crops = [], [], []
        for path in paths or []:
            name = upload_name(path)
            try:
                img = read_upload(path)
                h, w = img.shape[:2]
                if max(h, w) > CROP_MAX_FACTOR * size:
                    photo = as_uint8(img)
                    results = [super_resolve_photo(m, photo, self.detector(), gray=gray) if m is not None
                               else None for m in models]
                    if results[1].faces or results[1].kept:
                        shown = results[1].image
                        rows.append(Row(name, (enlarge(photo if photo.shape[2] == shown.shape[2] else shown,
                                                       (shown.shape[1], shown.shape[0])),
                                               *[r.image if r is not None else None for r in results])))
                        continue
                    if max(h, w) > PHOTO_MIN_FACTOR * size:
                        raise WebInputError(f'{name} ({w}x{h}): no face found in this photo (MTCNN, faces of '
                                            '12 px and larger)')
                lr = prepare_lr_face(img, size, num_channels=1 if gray else None)
                crops.append((len(rows), img))
                rows.append(Row(name, (enlarge((lr.permute(1, 2, 0).numpy() * 255).round().astype(np.uint8),
                                               (hr_size, hr_size)), None, None, None)))
            except WebInputError as err:
                messages.append(str(err))
        if crops:
            outputs = [super_resolve(m, [img for _, img in crops], gray=gray) if m is not None
                       else [None] * len(crops) for m in models]
            for n, (index, _) in enumerate(crops):
                rows[index] = Row(rows[index].name, (rows[index].images[0], *[out[n] for out in outputs]))
        return rows, messages

    def write_outputs(self, session_id, key, rows):
        """The rows as PNG files in the session's folder (``NAME.<column>.png``), for the page
        and its download; returns ``[(path, caption)]`` in row order and the paths to download."""
        session = self.session(session_id)
        folder = osp.join(session.folder, key, f'outputs-{time.time_ns()}')
        shown, files = [], []
        for n, row in enumerate(rows):
            for column, img in zip(COLUMNS, row.images):
                if img is None:
                    continue
                path = write_image(osp.join(folder, f'{n:02d}_{row.name}.{column.replace(" ", "-")}.png'), img)
                shown.append((path, f'{row.name}: {column}'))
                if column != 'input':
                    files.append(path)
        return shown, files


def no_traceback(fn):
    """A page handler that turns any error into its message: a bad input's own line, anything
    else one line (the traceback goes to the server's stderr), never a dead page."""
    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except WebInputError as err:
            return fn.on_error(str(err))
        except Exception as err:  # noqa: BLE001 the page must survive
            traceback.print_exc()
            return fn.on_error(f'error: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ""}')
    return wrapped


OFFLINE_ENVIRONMENT = dict(GRADIO_ANALYTICS_ENABLED='False', HF_HUB_OFFLINE='1',
                           GRADIO_SERVER_NAME='127.0.0.1')


def build_page(webui):
    """The Gradio page over ``webui`` (:class:`WebUI`); import and build only here, so the rest
    of :mod:`dapfsr.apis` works without the ``web`` extra."""
    for name, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault('GRADIO_TEMP_DIR', osp.join(webui.work_dir, 'uploads'))  # removed with it
    import gradio as gr

    labels = [(m.label, m.key) for m in webui.models.values()]
    # the system's fonts: the default theme would fetch Google's
    theme = gr.themes.Default(font=['ui-sans-serif', 'system-ui', 'sans-serif'],
                              font_mono=['ui-monospace', 'monospace'])

    def session_id(request):
        return request.session_hash if request is not None else 'local'

    def gallery_of(adapted):
        return [(adapted.hr, 'exemplar HR, as adapted on'), (enlarge(adapted.lr, adapted.hr.shape[1::-1]),
                                                               'exemplar LR (enlarged)')]

    def on_adapt(key, hr_file, lr_file, request: gr.Request, progress=gr.Progress()):
        def report(step, total, seconds):
            progress((step, total), desc=f'adapting: step {step} of {total}, {seconds:.1f} s')
        sid = session_id(request)
        adapted, message = webui.adapt(sid, key, hr_file, lr_file, report)
        return gallery_of(adapted), message, adapted.delta
    on_adapt.on_error = lambda message: (gr.skip(), message, gr.skip())

    def on_cancel(request: gr.Request):
        return webui.cancel(session_id(request))
    on_cancel.on_error = lambda message: message

    def on_super_resolve(key, files, gray, request: gr.Request):
        sid = session_id(request)
        rows, messages = webui.super_resolve(sid, key, files, gray)
        shown, downloads = webui.write_outputs(sid, key, rows)
        with webui.session(sid).lock:
            adapted = webui.session(sid).adapted.get(key)
        if adapted is not None:
            downloads.append(adapted.delta)
        note = '' if adapted is not None else ' (not adapted yet: adapt to an exemplar for the adapted column)'
        text = f'{len(rows)} input{"s" * (len(rows) != 1)} super-resolved{note}'
        return shown, '\n\n'.join([text, *messages]), downloads or None
    on_super_resolve.on_error = lambda message: (gr.skip(), message, gr.skip())

    def on_unload(request: gr.Request):
        webui.close_session(session_id(request))

    def on_model(key, request: gr.Request):
        return gr.update(value=webui.gray_default(key))
    on_model.on_error = lambda message: gr.skip()

    with gr.Blocks(title='dapfsr: one-shot adaptation', analytics_enabled=False) as page:
        gr.Markdown('## dapfsr: one-shot adaptation\nDrop one HR exemplar face of the target domain (and, if '
                    'you have it, its LR face), adapt, then super-resolve LR faces or photos. Each browser '
                    'session adapts its own copy of the model.')
        with gr.Row():
            model = gr.Dropdown(labels, value=webui.default_key, label='model', elem_id='model')
            gray = gr.Checkbox(value=webui.gray_default(webui.default_key), label='gray output',
                               elem_id='gray')
        with gr.Row():
            hr = gr.File(label='exemplar HR face (or a photo)', elem_id='exemplar-hr')
            lr = gr.File(label='exemplar LR face (optional)', elem_id='exemplar-lr')
            used = gr.Gallery(label='exemplar used', columns=2, height=200, format='png', elem_id='exemplar-used')
        with gr.Row():
            adapt = gr.Button('Adapt', variant='primary', elem_id='adapt')
            cancel = gr.Button('Cancel', elem_id='cancel')
        adapt_status = gr.Markdown(elem_id='adapt-status')
        faces = gr.File(label='LR faces or photos', file_count='multiple', elem_id='inputs')
        run = gr.Button('Super-resolve', variant='primary', elem_id='super-resolve')
        sr_status = gr.Markdown(elem_id='sr-status')
        results = gr.Gallery(label=' | '.join(COLUMNS), columns=4, format='png', object_fit='contain',
                             elem_id='results')
        downloads = gr.File(label='downloads: outputs and adapted parameters (tools/infer.py --adapted)',
                            file_count='multiple', interactive=False, elem_id='downloads')
        delta = gr.State()

        adapting = adapt.click(no_traceback(on_adapt), [model, hr, lr], [used, adapt_status, delta],
                               concurrency_id='adapt', concurrency_limit=2)
        cancel.click(no_traceback(on_cancel), None, adapt_status, concurrency_limit=None)
        run.click(no_traceback(on_super_resolve), [model, faces, gray], [results, sr_status, downloads],
                  concurrency_limit=2)
        model.change(no_traceback(on_model), model, gray)
        page.unload(on_unload)
    page.dapfsr_theme = theme
    page.webui = webui
    del adapting
    return page


def launch(webui, host='127.0.0.1', port=None, max_file_size=MAX_UPLOAD_BYTES, block=True):
    """Serve the page on ``host`` (127.0.0.1 unless told otherwise); ``port`` None: the first
    free one from 7860. Returns the page (with ``page.local_url``) when not ``block``."""
    page = build_page(webui)
    page.queue(default_concurrency_limit=2)
    page.launch(server_name=host, server_port=port, max_file_size=max_file_size, prevent_thread_lock=not block,
                show_error=False, quiet=False, footer_links=[], theme=page.dapfsr_theme)
    return page
