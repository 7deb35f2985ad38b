"""tools/misc/print_config.py: the merged config, what its bases compose to."""
import os.path as osp
import subprocess
import sys

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def print_config(*args):
    return subprocess.run([sys.executable, 'tools/misc/print_config.py', *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)


def test_prints_the_composed_config_with_checked_options():
    result = print_config('configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py', '--keys', 'adaptation', 'model',
                          '--cfg-options', 'adaptation.outer_iters=2')
    assert result.returncode == 0, result.stderr
    # adaptation from _base_/adaptation/damma.py with the small profile's schedule, overridden
    assert "type='DAMMA'" in result.stdout and 'outer_iters=2' in result.stdout
    assert "type='EfficientNetLite0Backbone'" in result.stdout  # model from dapfsr_small_17k_celeba-hq.py
    assert 'one_shot_protocol' not in result.stdout
    bad = print_config('configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py', '--cfg-options', 'adaptation.outer=2')
    assert bad.returncode == 1 and "did you mean outer_iters" in bad.stderr
