"""tools/infer.py: a folder of LR faces -> a folder of SR PNGs, and each way it can fail.

One test per defect of issue 12 (the old tool failed each), on the tiny DAP-FSR model
(LR_SIZE in, HR_SIZE out) run in-process through ``main()``.
"""
import os
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config

from dapfsr.adaptation import save_adapted_parameters
from conftest import HR_SIZE, LR_SIZE

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
LR = (LR_SIZE, LR_SIZE)


def write_faces(folder, shapes, seed=0):
    """Random (h, w, 3) faces under ``folder``, {relative path: (h, w)}."""
    rng = np.random.default_rng(seed)
    for name, shape in shapes.items():
        os.makedirs(osp.dirname(osp.join(folder, name)), exist_ok=True)
        cv2.imwrite(osp.join(folder, name), rng.integers(0, 256, (*shape, 3), dtype=np.uint8))


def tree(folder):
    return sorted(osp.relpath(osp.join(d, f), folder)
                  for d, _, files in os.walk(folder) for f in files)


def sr_shape(path):
    return cv2.imread(str(path)).shape


@pytest.fixture(scope='module')
def tiny_net(build_tiny_model):
    """The weights of the ``tiny`` checkpoint."""
    return build_tiny_model()


def assert_is_the_models_sr(tiny_net, sr_png, lr_png):
    """The PNG infer.py wrote holds the tiny model's SR face of ``lr_png``, computed here
    without the tool's code: the file read with OpenCV (BGR -> RGB), scaled to [-1, 1],
    ``model(x, mode='tensor')``, back to [0, 255] (rounding: 1 level)."""
    bgr = cv2.imread(str(lr_png))
    assert bgr.shape[:2] == LR
    x = torch.from_numpy(bgr[..., ::-1].copy()).permute(2, 0, 1)[None].float() / 127.5 - 1
    with torch.no_grad():
        sr = tiny_net(x, mode='tensor')[0].clamp(-1, 1)
    expected = ((sr + 1) * 127.5).round().permute(1, 2, 0).numpy().astype(int)
    written = cv2.imread(str(sr_png), cv2.IMREAD_UNCHANGED)
    assert written is not None and written.shape == (HR_SIZE, HR_SIZE, 3), sr_png
    assert np.abs(written[..., ::-1].astype(int) - expected).max() <= 1, sr_png


def test_refuses_an_output_folder_that_is_the_input_folder(tmp_path, capsys, tiny, run_infer):
    src = tmp_path / 'lr'
    write_faces(src, {'a.png': LR})
    before = (src / 'a.png').read_bytes()
    os.symlink(src, tmp_path / 'link')
    for dst in (src / '.', tmp_path / 'link'):
        code, _, err = run_infer(capsys, *tiny, src, dst)
        assert code == 2
        assert err.splitlines()[-1] == ('infer.py: error: the output folder is the input folder '
                                        f'({dst}); give another one')
    assert tree(src) == ['a.png'] and (src / 'a.png').read_bytes() == before


def test_inputs_differing_only_in_extension_get_distinct_outputs(tmp_path, capsys, tiny, run_infer, tiny_net):
    src, dst = tmp_path / 'lr', tmp_path / 'sr'
    write_faces(src, {'a.png': LR, 'a.jpg': LR})
    code, out, _ = run_infer(capsys, *tiny, src, dst)
    assert code == 0 and 'wrote 2 of 2 faces' in out
    assert tree(dst) == ['a.jpg.png', 'a.png.png']
    assert_is_the_models_sr(tiny_net, dst / 'a.jpg.png', src / 'a.jpg')
    assert_is_the_models_sr(tiny_net, dst / 'a.png.png', src / 'a.png')


def test_failed_writes_are_not_counted_and_never_leave_a_partial_file(tmp_path, capsys, monkeypatch,
                                                                      tiny, run_infer, tiny_net):
    src, dst = tmp_path / 'lr', tmp_path / 'sr'
    write_faces(src, {'a.png': LR, 'b.png': LR})
    for taken in ('a.png', 'a.png.png'):  # the output name (old and new rule) is a folder
        (dst / taken).mkdir(parents=True)
    code, out, err = run_infer(capsys, *tiny, src, dst)
    assert code == 1 and 'wrote 1 of 2 faces' in out
    assert '  a.png: not written: [Errno 21] Is a directory' in err
    assert sorted(os.listdir(dst)) == ['a.png', 'a.png.png', 'b.png.png']  # no temporary file
    assert_is_the_models_sr(tiny_net, dst / 'b.png.png', src / 'b.png')

    def killed(*args):
        raise KeyboardInterrupt
    monkeypatch.setattr(os, 'replace', killed)  # killed between writing and renaming
    with pytest.raises(KeyboardInterrupt):
        run_infer(capsys, *tiny, src, tmp_path / 'killed')
    assert os.listdir(tmp_path / 'killed') == []


@pytest.mark.parametrize('argv, message', [
    (['lr', 'sr', '--batch-size', '0'], 'argument --batch-size: must be >= 1, got 0'),
    (['lr', 'sr', '--batch-size', '-1'], 'argument --batch-size: must be >= 1, got -1'),
    (['missing', 'sr'], 'input folder not found: missing'),
    (['lr', 'file'], 'output folder is a file: file'),
], ids=['batch-size-0', 'batch-size-negative', 'no-input-folder', 'output-is-a-file'])
def test_rejects_bad_arguments(tmp_path, capsys, monkeypatch, tiny, argv, message, run_infer):
    monkeypatch.chdir(tmp_path)
    write_faces('lr', {'a.png': LR})
    (tmp_path / 'file').write_text('')
    code, _, err = run_infer(capsys, *tiny, *argv)
    assert code == 2 and err.splitlines()[-1] == f'infer.py: error: {message}'
    assert not (tmp_path / 'sr').exists()


def test_partial_failure_exits_1_and_names_each_failed_file(tmp_path, capsys, tiny, run_infer, tiny_net):
    src, dst = tmp_path / 'lr', tmp_path / 'sr'
    write_faces(src, {'a.png': LR, 'b.jpg': LR, 'c.png': LR})
    (src / 'broken.png').write_bytes(b'not an image')
    (src / 'empty.jpg').write_bytes(b'')
    code, out, err = run_infer(capsys, *tiny, src, dst, '--batch-size', '2')
    assert code == 1 and 'wrote 3 of 5 faces' in out
    failures = err.splitlines()[-3:]
    assert failures[0] == '2 of 5 images failed:'
    assert failures[1].startswith('  broken.png: not read: cannot decode image ')
    assert failures[2].startswith('  empty.jpg: not read: cannot decode image ')
    assert tree(dst) == ['a.png.png', 'b.jpg.png', 'c.png.png']
    for name in ('a.png', 'b.jpg', 'c.png'):  # batches of 2 around the failed ones: in order
        assert_is_the_models_sr(tiny_net, dst / f'{name}.png', src / name)


def test_warns_about_inputs_not_at_the_lr_size(tmp_path, capsys, tiny, run_infer, tiny_net):
    src, dst = tmp_path / 'lr', tmp_path / 'sr'
    write_faces(src, {'ok.png': LR, 'wide.png': (LR_SIZE, LR_SIZE + 3), 'big.png': (64, 64),
                      'small.png': (LR_SIZE // 2, LR_SIZE // 2)})
    code, _, err = run_infer(capsys, *tiny, src, dst)
    assert code == 0 and len(tree(dst)) == 4
    assert all(sr_shape(dst / name) == (HR_SIZE, HR_SIZE, 3) for name in tree(dst))
    assert_is_the_models_sr(tiny_net, dst / 'ok.png.png', src / 'ok.png')
    lr, lines = f"the model's {LR_SIZE}x{LR_SIZE} LR size", err.splitlines()
    assert (f'warning: 1 inputs are not square: resizing them to {lr} loses their aspect ratio: '
            f'wide.png ({LR_SIZE + 3}x{LR_SIZE})') in lines
    assert (f'warning: 2 inputs are larger than {lr} and were shrunk to it: these tools expect LR '
            'faces at that size, aligned (detecting and aligning faces in photos is separate '
            f'work): big.png (64x64), wide.png ({LR_SIZE + 3}x{LR_SIZE})') in lines
    assert (f'note: 1 inputs are smaller than {lr} and were upsampled to it: '
            f'small.png ({LR_SIZE // 2}x{LR_SIZE // 2})') in lines
    assert 'ok.png' not in err


@pytest.mark.parametrize('device, message', [
    ('cuda', '--device cuda: no CUDA GPU is available here; use --device cpu'),
    ('gpu', "not a torch device: 'gpu' (e.g. cpu, cuda, cuda:0)"),
])
def test_unusable_device_is_a_one_line_error(tmp_path, capsys, monkeypatch, tiny, device, message, run_infer):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    src = tmp_path / 'lr'
    write_faces(src, {'a.png': LR})
    code, _, err = run_infer(capsys, *tiny, src, tmp_path / 'sr', '--device', device)
    assert code == 2 and err.splitlines()[-1] == f'infer.py: error: {message}'
    assert 'Traceback' not in err and not (tmp_path / 'sr').exists()


def test_help_documents_every_argument_and_the_committed_model(capsys, infer, run_infer):
    code, out, _ = run_infer(capsys, '--help')
    assert code == 0
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', 'dapfsr', 'dapfsr_small_17k_celeba-hq.py'))
    assert cfg.scale_lr == 16 and cfg.scale_hr == cfg.model.decoder.out_size == 64
    assert ('checkpoints/dapfsr_small_celebahq.pth goes with configs/dapfsr/dapfsr_small_17k_celeba-hq.py:\n'
            f'{cfg.scale_lr}x{cfg.scale_lr} LR in, {cfg.scale_hr}x{cfg.scale_hr} out') in out
    actions = infer.build_parser()._actions
    assert {'config', 'checkpoint', 'input_dir', 'output_dir', 'adapted', 'recursive',
            'batch_size', 'device'} < {action.dest for action in actions}
    for action in actions:  # each has a help text, and --help shows it (the wrapping aside)
        assert action.help and ''.join(action.help.split()) in ''.join(out.split())


def test_recursive_mirrors_subfolders_and_non_images_are_reported(tmp_path, capsys, tiny, run_infer, tiny_net):
    src = tmp_path / 'lr'
    write_faces(src, {'a.png': LR, 'sub/b.png': LR, 'sub/deeper/c.jpg': LR})
    (src / 'anim.gif').write_bytes(b'GIF89a')
    (src / 'notes.txt').write_text('faces')
    code, _, err = run_infer(capsys, *tiny, src, tmp_path / 'flat')
    assert code == 0 and tree(tmp_path / 'flat') == ['a.png.png']
    lines = err.splitlines()
    assert lines[0].startswith('ignored 2 files that are not images (.gif, .txt; read: .png .jpg')
    assert lines[0].endswith('): anim.gif, notes.txt')
    assert lines[1] == 'did not read 1 subfolders (use --recursive): sub'
    for _ in range(2):  # the output folder, inside the input folder, is not read again
        code, out, err = run_infer(capsys, *tiny, src, src / 'deep', '--recursive')
        assert code == 0 and 'wrote 3 of 3 faces' in out and 'did not read' not in err
        assert tree(src / 'deep') == ['a.png.png', 'sub/b.png.png', 'sub/deeper/c.jpg.png']
    for name in ('a.png', 'sub/b.png', 'sub/deeper/c.jpg'):
        assert_is_the_models_sr(tiny_net, src / 'deep' / f'{name}.png', src / name)


def test_loading_errors_are_one_line_messages(tmp_path, capsys, tiny, run_infer, build_tiny_model):
    config, checkpoint = tiny
    src = tmp_path / 'lr'
    write_faces(src, {'a.png': LR})
    garbage, other, adapted = (tmp_path / f'{name}.pth' for name in ('garbage', 'other', 'delta'))
    garbage.write_bytes(b'not a checkpoint')
    torch.save(dict(state_dict={'decoder.const': torch.zeros(1)}), other)
    model = build_tiny_model()
    torch.nn.init.zeros_(next(model.encoder.parameters()))
    save_adapted_parameters(model, str(adapted), source_checkpoint=str(checkpoint))
    copy = tmp_path / 'copy.pth'  # the same weights, another file
    torch.save(dict(state_dict=build_tiny_model().state_dict(), meta=dict(iter=2)), copy)
    cases = [
        ([tmp_path / 'nope.pth'], f'checkpoint not found: {tmp_path / "nope.pth"}'),
        ([garbage], str(garbage)),
        ([other], f'{other} does not fit DAPFSR'),
        ([checkpoint, '--adapted', checkpoint], f'{checkpoint} is not an adapted-parameter file'),
        ([copy, '--adapted', adapted], f'{adapted} was adapted from {checkpoint} (sha256 '),
        ([], f'the model of {config} has learnt parameters: give CHECKPOINT'),
    ]
    for extra, message in cases:
        code, _, err = run_infer(capsys, config, *extra[:1], src, tmp_path / 'sr', *extra[1:])
        assert code == 1 and err.count('\n') == 1 and err.startswith('infer.py: error: ')
        assert message in err
    assert not (tmp_path / 'sr').exists()


def test_parameter_free_baseline_needs_no_checkpoint(tmp_path, capsys, run_infer):
    src, dst = tmp_path / 'lr', tmp_path / 'sr'
    write_faces(src, {'a.png': (16, 16)})
    bicubic = osp.join(REPO_ROOT, 'configs', 'bicubic', 'bicubic_x4_celeba-hq.py')
    code, out, _ = run_infer(capsys, bicubic, src, dst)
    assert code == 0 and 'wrote 1 of 1 faces' in out and sr_shape(dst / 'a.png.png') == (64, 64, 3)
