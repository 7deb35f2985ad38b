"""tools/adapt.py, and OneShotAdaptationHook in an mmengine Runner, with a tiny model and its checkpoint."""
import importlib.util
import json
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from adaptation_helpers import HR_SIZE, LR_SIZE, TINY_MODEL, damma_cfg

from mmengine.config import Config

from dapfsr.adaptation import read_adapted_parameters
from dapfsr.engine.hooks import OneShotAdaptationHook
from dapfsr.engine import build_runner

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def load_tool():
    spec = importlib.util.spec_from_file_location('dapfsr_tools_adapt', osp.join(REPO_ROOT, 'tools', 'adapt.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_setup(build_tiny_model, tmp_path, yaleb='CroppedYale'):
    """A tiny adaptation config (target: one Yale B split at 16/8 px) and a source checkpoint."""
    pipeline = [dict(type='LoadFaceImage', key='gt', num_channels=3),
                dict(type='CropAndResize', keys=['gt'], size=HR_SIZE),
                dict(type='RandomFaceAffine', preset='moderate', seed=0),
                dict(type='MatlabResize', keys=['lr'], size=LR_SIZE),
                dict(type='PackFaceInputs')]
    target = dict(type='ExtendedYaleBDataset', data_root=yaleb, conditions=['A+000E+00'],
                  test_mode=True, pipeline=pipeline)
    config = tmp_path / 'adapt_tiny.py'
    config.write_text(
        f"_base_ = [{osp.join(REPO_ROOT, 'configs/_base_/default_runtime.py')!r}]\n"
        f"model = {TINY_MODEL!r}\n"
        f"adaptation = {damma_cfg(outer_iters=1, inner_iters=2)!r}\n"
        f"target_dataset = {target!r}\n"
        "test_dataloader = dict(batch_size=8, num_workers=0, dataset=target_dataset,\n"
        "                       sampler=dict(type='DefaultSampler', shuffle=False))\n"
        "test_evaluator = [dict(type='PSNR')]\n"
        "one_shot_protocol = dict(type='OneShotProtocol')\n"
        "test_cfg = dict(type='TestLoop')\n")
    checkpoint = tmp_path / 'source.pth'
    torch.save(dict(state_dict=build_tiny_model().state_dict(), meta=dict()), checkpoint)
    return str(config), str(checkpoint)


def write_face(path, size):
    cv2.imwrite(str(path), np.random.default_rng(0).integers(0, 256, (size, size, 3), dtype=np.uint8))
    return str(path)


def test_adapt_from_exemplar_files(tmp_path, build_tiny_model):
    config, checkpoint = write_setup(build_tiny_model, tmp_path)
    hr = write_face(tmp_path / 'hr.png', HR_SIZE)
    out = str(tmp_path / 'out' / 'adapted.pth')
    load_tool().main([config, checkpoint, '--exemplar-hr', hr, hr, '--work-dir', str(tmp_path / 'work'),
                      '--out', out, '--seed', '5'])
    state, meta = read_adapted_parameters(out)
    model = build_tiny_model()
    assert set(state) == {f'decoder.{n}' for n, _ in model.decoder.style_modulation_parameters()}
    assert meta['source_checkpoint'] == checkpoint and meta['exemplar_hr'] == [hr, hr]
    for name in ('adaptation_exemplars.png', 'adaptation_generated.png'):
        assert cv2.imread(str(tmp_path / 'work' / name)) is not None


def test_adapt_tool_names_bad_exemplars(tmp_path, build_tiny_model):
    config, checkpoint = write_setup(build_tiny_model, tmp_path)
    missing = str(tmp_path / 'missing.png')
    with pytest.raises(SystemExit, match=f'file not found: {missing}'):
        load_tool().main([config, checkpoint, '--exemplar-hr', missing])
    not_image = tmp_path / 'not_image.png'
    not_image.write_text('text')
    with pytest.raises(SystemExit, match=f'exemplar HR file {not_image} is not an image'):
        load_tool().main([config, checkpoint, '--exemplar-hr', str(not_image), '--work-dir', str(tmp_path)])


def test_adapt_tool_makes_exemplars_of_another_size_as_the_test_faces(tmp_path, build_tiny_model):
    config, checkpoint = write_setup(build_tiny_model, tmp_path)
    big = write_face(tmp_path / 'big.png', 2 * HR_SIZE)  # the test pipeline: whole frame -> HR_SIZE
    out = str(tmp_path / 'adapted.pth')
    load_tool().main([config, checkpoint, '--exemplar-hr', big, '--work-dir', str(tmp_path / 'work'),
                      '--out', out, '--no-samples'])
    log = next((tmp_path / 'work').glob('adapt_*.log')).read_text()
    assert (f'made as the test faces are (HR whole frame -> {HR_SIZE} px -> {HR_SIZE} px, MATLAB bicubic): '
            f'HR big.png ({2 * HR_SIZE}x{2 * HR_SIZE})') in log
    assert read_adapted_parameters(out)[1]['exemplar_hr'] == [big]


def test_adapt_on_a_protocol_split_then_test(tmp_path, yaleb_root, build_tiny_model):
    config, checkpoint = write_setup(build_tiny_model, tmp_path, yaleb=yaleb_root)
    metrics = tmp_path / 'metrics.json'
    load_tool().main([config, checkpoint, '--split', 'A+000E+00', '--exemplar-seed', '1', '--test',
                      '--work-dir', str(tmp_path / 'work'), '--metrics-out', str(metrics), '--no-samples'])
    assert np.isfinite(json.loads(metrics.read_text())['PSNR'])
    _, meta = read_adapted_parameters(str(tmp_path / 'work' / 'A+000E+00_seed1.pth'))
    assert meta['source_checkpoint'] == checkpoint
    # what it was adapted to: the target data, split, seed and exemplar subject
    assert (meta['dataset'], meta['split'], meta['exemplar_seed']) == ('ExtendedYaleBDataset', 'A+000E+00', 1)
    assert len(meta['exemplars']) == 1 and meta['exemplars'][0].startswith('yaleB')


def test_the_tool_the_hook_and_the_one_shot_loop_agree(tmp_path, yaleb_root, build_tiny_model):
    """tools/adapt.py (no Runner), OneShotAdaptationHook in a Runner and OneShotTestLoop over the saved
    file: the same adapted parameters and the same test numbers for one task."""
    config, checkpoint = write_setup(build_tiny_model, tmp_path, yaleb=yaleb_root)
    tool_metrics = tmp_path / 'tool.json'
    load_tool().main([config, checkpoint, '--split', 'A+000E+00', '--exemplar-seed', '1', '--test',
                      '--work-dir', str(tmp_path / 'tool'), '--metrics-out', str(tool_metrics), '--no-samples'])
    tool_state, _ = read_adapted_parameters(str(tmp_path / 'tool' / 'A+000E+00_seed1.pth'))

    cfg = Config.fromfile(config)
    cfg.work_dir, cfg.load_from = str(tmp_path / 'hook'), checkpoint
    cfg.custom_hooks = [dict(type='OneShotAdaptationHook', protocol=dict(split='A+000E+00', seed=1))]
    build_runner(cfg).test()
    hook_state, _ = read_adapted_parameters(str(tmp_path / 'hook' / 'adapted_parameters.pth'))
    assert set(hook_state) == set(tool_state)
    assert all(torch.equal(hook_state[k], tool_state[k]) for k in tool_state)
    assert cv2.imread(str(tmp_path / 'hook' / 'adaptation_exemplars.png')) is not None

    cfg = Config.fromfile(config)
    cfg.work_dir, cfg.load_from = str(tmp_path / 'loop'), checkpoint
    cfg.one_shot_protocol.update(splits=['A+000E+00'], exemplar_seeds=[1])
    cfg.test_cfg = dict(type='OneShotTestLoop', mode='deltas', deltas_dir=str(tmp_path / 'tool'))
    loop_metrics = build_runner(cfg).test()
    tool = json.loads(tool_metrics.read_text())
    assert loop_metrics['PSNR'] == pytest.approx(tool['PSNR'], abs=1e-6)  # the task's test set: same faces
    cfg.test_cfg = dict(type='OneShotTestLoop', mode='source_only')
    cfg.work_dir = str(tmp_path / 'source')
    assert build_runner(cfg).test()['PSNR'] != pytest.approx(tool['PSNR'], abs=1e-6)  # adaptation acted


def test_hook_needs_exactly_one_exemplar_source():
    with pytest.raises(ValueError, match='exactly one'):
        OneShotAdaptationHook()
    with pytest.raises(ValueError, match='exactly one'):
        OneShotAdaptationHook(exemplar_hr=['a.png'], protocol=dict(split='A+000E+00'))
