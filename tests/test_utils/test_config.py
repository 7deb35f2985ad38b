"""--cfg-options keys are checked against the config; tools end with one line on user errors."""
import pytest
from mmengine.config import Config

from dapfsr.utils import CheckpointError, ConfigKeyError, exit_on_user_error, load_config
from dapfsr.utils.config import check_cfg_options

CFG = dict(model=dict(type='DAPFSR', encoder=dict(type='DAPEncoder', input_size=64)),
           train_cfg=dict(type='IterBasedTrainLoop', max_iters=10),
           pipeline=[dict(type='A'), dict(type='B', size=16)],
           load_from=None)


@pytest.mark.parametrize('key, near_miss', [
    ('model.encoder.input_size', 'model.encoder.input_sizes'),
    ('pipeline.1.size', 'pipeline.2.size'),
    ('load_from', 'load_fro'),
    ('model.encoder.multi_scale', 'model.encoder.multi_scales'),  # an argument DAPEncoder takes
    ('pipeline.0.anything', 'pipelines.0.anything'),  # type A is not registered: its builder checks
    ('work_dir', 'work_dirs'),  # an argument of mmengine's Runner
    ('train_cfg.max_iters', 'train_cfg.max_iter')])
def test_known_keys_pass(key, near_miss):
    """A known key passes and leaves the config as it was, while the key one edit away is
    refused: the check looked at the part that makes the key known (a check that refuses
    nothing, or everything, fails here)."""
    cfg = Config(CFG)
    assert check_cfg_options(cfg, {key: 1}) is None
    assert cfg.to_dict() == Config(CFG).to_dict()
    with pytest.raises(ConfigKeyError, match=f'--cfg-options {near_miss}: '.replace('.', r'\.')):
        check_cfg_options(cfg, {near_miss: 1})


@pytest.mark.parametrize('key, message', [
    ('totally.bogus.key', "--cfg-options totally.bogus.key: the config has no key 'totally'"),
    ('train_cfg.max_iter', "train_cfg has no key 'max_iter'; did you mean max_iters"),
    ('train_cfg.val_intervals', 'did you mean val_interval'),  # an argument of the loop
    ('model.encoder.input_sizes', 'did you mean input_size'),
    ('pipeline.2.size', 'pipeline is a list of 2 items'),
    ('pipeline.first.size', "'first' is not an index")])
def test_unknown_keys_are_refused_with_close_matches(key, message):
    with pytest.raises(ConfigKeyError, match=message.replace('?', r'\?').replace('.', r'\.')):
        check_cfg_options(Config(CFG), {key: 1})


def test_load_config_merges_checked_options(tmp_path):
    path = tmp_path / 'c.py'
    path.write_text('train_cfg = dict(max_iters=10)\n')
    cfg = load_config(str(path), {'train_cfg.max_iters': 3})
    assert cfg.train_cfg.max_iters == 3 and cfg.work_dir.endswith('work_dirs/c')
    with pytest.raises(ConfigKeyError):
        load_config(str(path), {'train_cfg.max_iter': 3})
    with pytest.raises(FileNotFoundError, match='nope.py'):
        load_config(str(tmp_path / 'nope.py'))


def test_exit_on_user_error_ends_with_one_line():
    for error in (FileNotFoundError('checkpoint not found: a.pth'), CheckpointError('a.pth does not fit'),
                  ConfigKeyError("--cfg-options x: the config has no key 'x'")):
        def main():
            raise error
        with pytest.raises(SystemExit) as exit_info:
            exit_on_user_error(main)()
        assert exit_info.value.code == f'error: {error}' and '\n' not in exit_info.value.code

    def buggy():
        raise ZeroDivisionError  # a bug keeps its traceback
    with pytest.raises(ZeroDivisionError):
        exit_on_user_error(buggy)()
