"""tools/test.py and tools/adapt.py refuse wrong inputs in one line, and say little when right.

The tools run as children of the session's tests/conftest.py process (fixture ``tool_runner``)."""
import pytest
import torch

SMALL = 'configs/dapfsr/dapfsr_small_17k_celeba-hq.py'
DECODER = 'checkpoints/stylegan2_small_celebahq64.pth'


@pytest.fixture
def run_tool(tool_runner):
    """``python tools/<tool> args`` from the project root: (status, stdout, stderr)."""
    def run(tool, *args):
        result = tool_runner.run([tool, *args], timeout=300)
        return result['status'], result['stdout'], result['stderr']
    return run


def assert_one_line_error(result, message):
    code, _, err = result
    assert code == 1, err[-3000:]
    assert 'Traceback' not in err and err.strip().splitlines()[-1].startswith('error: ')
    assert message in err.strip().splitlines()[-1], err[-3000:]


def test_test_refuses_the_decoder_file_for_the_dap_fsr_model(run_tool, celeba_hq_root):
    assert_one_line_error(run_tool('test.py', SMALL, DECODER),
                          f'{DECODER} does not fit DAPFSR: keys')


def test_test_refuses_to_evaluate_an_untrained_model(run_tool, celeba_hq_root):
    assert_one_line_error(run_tool('test.py', SMALL), 'no checkpoint was given')


def test_test_names_a_checkpoint_of_the_other_profile(run_tool, tmp_path):
    small = tmp_path / 'small.pth'  # what publish_model.py records of the small profile
    torch.save(dict(state_dict={}, meta=dict(model_types={
        '': 'DAPFSR', 'encoder.backbone': 'EfficientNetLite0Backbone'})), small)
    assert_one_line_error(run_tool('test.py', 'configs/dapfsr/dapfsr_paper_100k_celeba.py', str(small)),
                          'encoder.backbone: EfficientNetLite0Backbone in the file, '
                          'ResNetBackbone in the config')


def test_unknown_cfg_options_key_is_an_error(run_tool):
    assert_one_line_error(run_tool('test.py', SMALL, DECODER, '--cfg-options', 'totally.bogus.key=3'),
                          "the config has no key 'totally'")
    assert_one_line_error(run_tool('train.py', SMALL, '--cfg-options', 'train_cfg.max_iter=3'),
                          'did you mean max_iters')


def test_adapt_refuses_the_decoder_file(run_tool, tmp_path, yaleb_root):
    assert_one_line_error(run_tool('adapt.py', 'configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py', DECODER,
                                   '--split', 'A+000E+00', '--work-dir', str(tmp_path)),
                          'does not fit DAPFSR')
    assert not list(tmp_path.glob('*.pth'))


def test_plain_test_prints_its_metrics_in_a_few_lines(run_tool, tmp_path, celeba_hq_root):
    code, out, err = run_tool('test.py', 'configs/bicubic/bicubic_x4_celeba-hq.py', '--work-dir',
                              str(tmp_path), '--cfg-options', 'test_dataloader.dataset.indices=4')
    assert code == 0, err[-3000:]
    lines = (out + err).strip().splitlines()
    assert len(lines) < 30 and any('PSNR' in line for line in lines), lines
    log = next(tmp_path.glob('*/*.log')).read_text()
    assert 'System environment' in log  # the dump is kept, in the log file


def test_the_committed_checkpoint_loads_without_missing_key_warnings(run_tool, tmp_path, celeba_hq_root):
    # its perceptual extractor and decoder are left out on purpose (publish_model.py --drop)
    code, out, err = run_tool('test.py', SMALL, 'checkpoints/dapfsr_small_celebahq.pth', '--work-dir',
                              str(tmp_path), '--cfg-options', 'test_dataloader.dataset.indices=4')
    assert code == 0, err[-3000:]
    assert 'missing keys' not in out + err and len((out + err).strip().splitlines()) < 30
    assert 'PSNR' in out + err
