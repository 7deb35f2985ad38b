import importlib
import os
import os.path as osp

import pytest

import tool_runner as tool_runner_module  # here, before any test changes the environment

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


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


@pytest.fixture
def celeba_hq_root():
    return require_data('celeba_hq_128')


@pytest.fixture
def yaleb_root():
    return require_data('CroppedYale')


@pytest.fixture(autouse=True)
def _dapfsr_scope():
    from dapfsr.setup_env import register_all_modules
    register_all_modules()


@pytest.fixture(scope='session')
def tool_runner():
    """One pre-imported process that runs ``python tools/<tool>.py ARGS`` commands as forked
    children, for the whole session (:class:`tool_runner.ToolRunner`)."""
    runner = tool_runner_module.shared_runner()
    yield runner
    runner.close()


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
