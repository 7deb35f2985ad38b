"""tools/misc/delta_info.py and tools/model_converters/merge_delta.py on real delta files
(written by save_adapted_parameters) of the tiny model."""
import importlib.util
import json
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from skimage import data

from dapfsr.adaptation import save_adapted_parameters
from dapfsr.apis import init_model, super_resolve
from dapfsr.utils.matlab_resize import matlab_imresize
from conftest import LR_SIZE, TINY_MODEL

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DAMMA = dict(type='DAMMA', outer_iters=3, inner_iters=15, batch_size=4, lr_alpha=0.1, lr_phi=0.01,
             augmenter=dict(type='SoftLatentMixing', alpha_init=0.5),
             degradation=[dict(type='MatlabResize', keys=['lr'], size=LR_SIZE)], log_interval=5)


def load_tool(*parts):
    spec = importlib.util.spec_from_file_location(parts[-1][:-3], osp.join(REPO_ROOT, 'tools', *parts))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


delta_info = load_tool('misc', 'delta_info.py')
merge_delta = load_tool('model_converters', 'merge_delta.py')


def lfw_faces(n=12):
    """Real faces: scikit-image's LFW crops (25 px gray) at the tiny model's LR size, RGB."""
    return [np.repeat((matlab_imresize(f[..., None].astype(np.float32), size=(LR_SIZE, LR_SIZE))
                       .clip(0, 1) * 255).round().astype(np.uint8), 3, 2)
            for f in data.lfw_subset()[:n]]


@pytest.fixture
def setup(tmp_path, build_tiny_model):
    """(config, source checkpoint, delta) of the tiny model; the delta changes the decoder's
    style modulation (DAMMA's phi) as an adaptation would."""
    config, source, delta = tmp_path / 'tiny.py', tmp_path / 'source.pth', tmp_path / 'delta.pth'
    config.write_text(f'model = {TINY_MODEL!r}\nscale_lr = {LR_SIZE}\n')
    torch.save(dict(state_dict=build_tiny_model().state_dict(), meta=dict(iter=7)), source)
    model = build_tiny_model()
    torch.manual_seed(1)
    with torch.no_grad():
        for _, param in model.decoder.style_modulation_parameters():
            param.add_(torch.randn_like(param) * 0.1)
    save_adapted_parameters(model, str(delta), source_checkpoint=str(source), adaptation=DAMMA)
    return str(config), str(source), str(delta)


def test_delta_info_lists_source_schedule_and_size(setup, capsys, build_tiny_model):
    _, source, delta = setup
    delta_info.main([delta])
    out = capsys.readouterr().out
    size = osp.getsize(delta)
    assert out.startswith(f'file:       {delta} ({size / 1024:.1f} KiB, dapfsr-adapted-parameters v2)')
    assert f'source:     {source} (sha256 ' in out and ': same file)' in out
    base = torch.load(delta, weights_only=True)['meta']['base_sha256']
    assert f'adapted on: the decoder of state sha256 {base[:16]}... (checked when loading)' in out
    assert 'domain:     not recorded in this file' in out
    assert 'exemplar:   not recorded in this file' in out
    assert ('schedule:   DAMMA, 3 x 15 iterations, batch_size=4, lr_alpha=0.1, lr_phi=0.01, '
            'augmenter=SoftLatentMixing' in out.splitlines())
    keys = torch.load(delta, weights_only=True)['state_dict']
    values = sum(t.numel() for t in keys.values())
    assert f'tensors:    {len(keys)} ({values:,} values, float32)' in out
    assert all(line.startswith('  decoder.') for line in out.splitlines()
               if line.startswith('  '))
    delta_info.main([delta, '--json'])
    info = json.loads(capsys.readouterr().out)
    assert info['size_bytes'] == size and info['tensors'] == len(keys) and info['values'] == values
    assert info['schedule']['outer_iters'] == 3 and info['source_sha256'] == \
        torch.load(delta, weights_only=True)['meta']['source_sha256']
    # the source file changed since: said, as --adapted would refuse it
    torch.save(dict(state_dict=build_tiny_model(seed=1).state_dict()), source)
    delta_info.main([delta])
    assert 'CHANGED: its SHA-256 differs' in capsys.readouterr().out


def test_delta_info_on_another_file_is_a_one_line_error(setup, capsys):
    _, source, _ = setup
    with pytest.raises(SystemExit) as exit_:
        delta_info.main([source])
    assert str(exit_.value).startswith('delta_info.py: error: ') and '\n' not in str(exit_.value)
    assert 'is not an adapted-parameter file' in str(exit_.value)


@pytest.mark.parametrize('dtype', [torch.float32, torch.float16], ids=['fp32', 'fp16-source'])
def test_merged_checkpoint_gives_exactly_the_output_of_the_delta_applied(setup, tmp_path, capsys,
                                                                         dtype, build_tiny_model):
    config, source, delta = setup
    if dtype == torch.float16:  # like the committed checkpoint: a float16 source
        state = {k: v.half() if v.is_floating_point() else v
                 for k, v in build_tiny_model().state_dict().items()}
        torch.save(dict(state_dict=state, meta=dict(iter=7)), source)
        model = init_model(config, source)
        with torch.no_grad():
            for _, param in model.decoder.style_modulation_parameters():
                param.add_(0.1)
        save_adapted_parameters(model, delta, source_checkpoint=source, adaptation=DAMMA)
    merged = str(tmp_path / 'merged.pth')
    merge_delta.main([source, delta, merged])
    assert capsys.readouterr().out.startswith(f'wrote {merged}: {source} with the ')
    applied = init_model(config, source, adapted=delta)
    plain = init_model(config, merged)
    for key, value in applied.state_dict().items():
        assert torch.equal(plain.state_dict()[key], value), key
    faces = lfw_faces()
    ours = super_resolve(plain, faces)
    assert all(np.array_equal(a, b) for a, b in zip(ours, super_resolve(applied, faces)))
    with torch.no_grad():
        lr = torch.rand(3, 3, LR_SIZE, LR_SIZE) * 2 - 1
        assert torch.equal(plain(lr), applied(lr))
        assert not torch.equal(plain(lr), init_model(config, source)(lr))  # it is adapted
    meta = torch.load(merged, weights_only=True)['meta']
    assert meta['iter'] == 7 and meta['merged_delta']['file'] == 'delta.pth'
    assert meta['merged_delta']['adapted_keys'] == sorted(torch.load(delta, weights_only=True)[
        'state_dict'])


def test_merge_refuses_another_source_and_overwriting(setup, tmp_path, capsys, build_tiny_model):
    config, source, delta = setup
    other = str(tmp_path / 'other.pth')
    torch.save(dict(state_dict=build_tiny_model(seed=1).state_dict()), other)
    out = str(tmp_path / 'merged.pth')
    with pytest.raises(SystemExit) as exit_:
        merge_delta.main([other, delta, out])
    assert str(exit_.value).startswith(f'merge_delta.py: error: {delta} was adapted from {source}')
    assert not osp.exists(out)
    for target in (source, delta):
        with pytest.raises(SystemExit) as exit_:
            merge_delta.main([source, delta, target])
        assert exit_.value.code == 2
    assert 'give another file' in capsys.readouterr().err
    merge_delta.main([source, delta, out])
    with pytest.raises(SystemExit):
        merge_delta.main([source, delta, out])
    assert 'exists; --force replaces it' in capsys.readouterr().err
    merge_delta.main([source, delta, out, '--force'])
    init_model(config, out)


SMALL = osp.join(REPO_ROOT, 'configs', 'dapfsr', 'dapfsr_small_17k_celeba-hq.py')
CKPT = 'checkpoints/dapfsr_small_celebahq.pth'  # carries no decoder (model.decoder_checkpoint)
DECODER = osp.join(REPO_ROOT, 'checkpoints', 'stylegan2_small_celebahq64.pth')


def run_tools(tool_runner, commands):
    """[(argv), ...] as children of the session's tests/conftest.py process (imports paid
    once): [dict(status, stdout, stderr)]."""
    return tool_runner.run_many([dict(argv=argv, timeout=300) for argv in commands])


def last_line(result):
    assert 'Traceback' not in result['stderr'], result['stderr'][-3000:]
    return result['stderr'].strip().splitlines()[-1]


def test_readme_merge_of_the_committed_checkpoint_and_decoder_checks(tmp_path, celeba_hq_root, tool_runner):
    """Issue 24, item 5, with the committed small checkpoint, which holds no decoder:
    - the README's ``merge_delta.py CKPT DELTA OUT.pth`` works (it said 'keys it lacks
      [decoder...]'), and ``tools/test.py CONFIG OUT.pth`` gives the metrics of
      ``CKPT --adapted DELTA``; in-process, the very outputs;
    - ``--adapted DELTA`` with another ``model.decoder_checkpoint`` is refused in one line
      (it ran, PSNR 16.77 instead of 20.51), and so is the merged file with it (init_model
      and tools/test.py);
    - damaged deltas are one-line errors in test, infer, merge and onnx (a KeyError
      traceback, or a version-99 delta of zero tensors accepted)."""
    root = str(tmp_path)
    model = init_model(SMALL, CKPT)
    reference = {k: v.clone() for k, v in model.state_dict().items()}
    torch.manual_seed(0)
    with torch.no_grad():  # DAMMA's phi moved, as an adaptation does
        for _, param in model.decoder.style_modulation_parameters():
            param.add_(torch.randn_like(param) * 0.05)
    delta, merged = f'{root}/delta.pth', f'{root}/merged.pth'
    keys = save_adapted_parameters(model, delta, CKPT, adaptation=DAMMA, reference_state=reference)
    merge_delta.main([CKPT, delta, merged])  # the README's command
    with torch.no_grad():
        lr = torch.rand(4, 3, 16, 16, generator=torch.Generator().manual_seed(1)) * 2 - 1
        applied = init_model(SMALL, CKPT, adapted=delta)(lr)
        assert torch.equal(init_model(SMALL, merged)(lr), applied)
        assert torch.equal(model(lr), applied)
        assert (applied - init_model(SMALL, CKPT)(lr)).abs().max() > 1e-2  # it is adapted
    # another decoder file of the same layout: the released one, each tensor nudged
    other = torch.load(DECODER, weights_only=True)
    other['state_dict'] = {k: v + 0.01 if v.is_floating_point() else v
                           for k, v in other['state_dict'].items()}
    torch.save(other, f'{root}/other_decoder.pth')
    with pytest.raises(ValueError, match='adapted tensors of the decoder .* adapted on another decoder'):
        init_model(SMALL, merged, cfg_options={'model.decoder_checkpoint': f'{root}/other_decoder.pth'})
    # damaged deltas, as written by hand or cut by an editor
    damaged = {}
    for name, edit in (('version', lambda m, s: m.update(version=99) or s.clear()),
                       ('nosha', lambda m, s: m.pop('source_sha256'))):
        data = torch.load(delta, weights_only=True)
        edit(data['meta'], data['state_dict'])
        damaged[name] = f'{root}/{name}.pth'
        torch.save(data, damaged[name])
    faces = tmp_path / 'lr'
    faces.mkdir()
    cv2.imwrite(str(faces / 'a.png'), np.full((16, 16, 3), 128, np.uint8))
    test = ['test.py', SMALL]
    few = ['--cfg-options', 'test_dataloader.dataset.indices=4']
    other_decoder = f'model.decoder_checkpoint={root}/other_decoder.pth'
    results = run_tools(tool_runner, [
        [*test, CKPT, '--adapted', delta, '--out', f'{root}/adapted.json', '--work-dir', f'{root}/w', *few],
        [*test, merged, '--out', f'{root}/merged.json', '--work-dir', f'{root}/w', *few],
        [*test, CKPT, '--adapted', delta, '--work-dir', f'{root}/w', *few, other_decoder],
        [*test, merged, '--work-dir', f'{root}/w', *few, other_decoder],
        [*test, CKPT, '--adapted', damaged['version'], '--work-dir', f'{root}/w', *few],
        [*test, CKPT, '--adapted', damaged['nosha'], '--work-dir', f'{root}/w', *few],
        ['infer.py', SMALL, CKPT, faces, f'{root}/sr', '--adapted', damaged['nosha']],
        ['infer.py', SMALL, CKPT, faces, f'{root}/sr', '--adapted', damaged['version']],
        ['deployment/pytorch2onnx.py', SMALL, CKPT, f'{root}/m.onnx', '--adapted', damaged['nosha']],
        ['model_converters/merge_delta.py', CKPT, damaged['nosha'], f'{root}/m2.pth'],
        ['misc/delta_info.py', damaged['version']],
    ])
    assert [r['status'] for r in results] == [0, 0] + [1] * 9, [r['stderr'][-2000:] for r in results]
    with open(f'{root}/adapted.json') as a, open(f'{root}/merged.json') as m:
        adapted_metrics, merged_metrics = json.load(a), json.load(m)
    assert adapted_metrics == merged_metrics and any('PSNR' in k for k in adapted_metrics)
    assert 'was adapted on another decoder than this model has' in last_line(results[2])
    assert 'adapted on another decoder than this model has' in last_line(results[3])
    assert last_line(results[3]).startswith(f'error: {merged} holds ')
    unknown, no_sha = 'of format version 99, which this dapfsr does not read', \
        'does not record the checkpoint it was adapted from (meta.source_sha256 missing)'
    for result, message in zip(results[4:], [unknown, no_sha, no_sha, unknown, no_sha, no_sha, unknown]):
        assert message in last_line(result), last_line(result)
    assert len(keys) == len(model.decoder.style_modulation_parameters())
