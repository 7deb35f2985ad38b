"""tools/misc/print_config.py: the merged config, what its bases compose to (run as children of
the session's tests/conftest.py process, fixture ``tool_runner``)."""
CONFIG = 'configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py'


def test_prints_the_composed_config_with_checked_options(tool_runner):
    result = tool_runner.run(['misc/print_config.py', CONFIG, '--keys', 'adaptation', 'model',
                              '--cfg-options', 'adaptation.outer_iters=2'])
    assert result['status'] == 0, result['stderr']
    # adaptation from _base_/adaptation/damma.py with the small profile's schedule, overridden
    assert "type='DAMMA'" in result['stdout'] and 'outer_iters=2' in result['stdout']
    assert "type='EfficientNetLite0Backbone'" in result['stdout']  # model from dapfsr_small_17k_celeba-hq.py
    assert 'one_shot_protocol' not in result['stdout']
    bad = tool_runner.run(['misc/print_config.py', CONFIG, '--cfg-options', 'adaptation.outer=2'])
    assert bad['status'] == 1 and "did you mean outer_iters" in bad['stderr']
