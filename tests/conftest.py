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
