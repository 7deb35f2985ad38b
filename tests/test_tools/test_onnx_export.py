"""tools/deployment/pytorch2onnx.py: the tiny DAP-FSR model, source and adapted, to ONNX and
back through onnxruntime on real faces (scikit-image's LFW crops), dynamic batch."""
import importlib.util
import os.path as osp

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from skimage import data

from dapfsr.adaptation import save_adapted_parameters
from dapfsr.apis import init_model, super_resolve
from dapfsr.utils.matlab_resize import matlab_imresize
from conftest import HR_SIZE, LR_SIZE, TINY_MODEL

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
spec = importlib.util.spec_from_file_location(
    'pytorch2onnx', osp.join(REPO_ROOT, 'tools', 'deployment', 'pytorch2onnx.py'))
pytorch2onnx = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pytorch2onnx)


@pytest.fixture(scope='module')
def exported(tmp_path_factory, build_tiny_model):
    """Source and adapted (gray-output config) exports of the tiny model, with their files."""
    folder = tmp_path_factory.mktemp('onnx')
    config, gray_config = folder / 'tiny.py', folder / 'tiny_gray.py'
    config.write_text(f'model = {TINY_MODEL!r}\nscale_lr = {LR_SIZE}\n')
    gray_config.write_text(f'model = {TINY_MODEL!r}\nscale_lr = {LR_SIZE}\ngray_output = True\n')
    source, delta = folder / 'tiny.pth', folder / 'delta.pth'
    torch.save(dict(state_dict=build_tiny_model().state_dict(), meta=dict(iter=1)), source)
    model = build_tiny_model()
    with torch.no_grad():
        for _, param in model.decoder.style_modulation_parameters():
            param.mul_(1.5)
    save_adapted_parameters(model, str(delta), source_checkpoint=str(source))
    outputs = {}
    for name, argv in (('source', [config, source, folder / 'source.onnx']),
                       ('adapted', [gray_config, source, folder / 'adapted.onnx', '--adapted', delta])):
        pytorch2onnx.main([str(a) for a in argv])
        outputs[name] = (str(argv[2]), init_model(str(argv[0]), str(source),
                                                  adapted=str(delta) if name == 'adapted' else None))
    return outputs


def lfw_faces(n):
    """(n, 3, LR, LR) float32 in [0, 1]: real faces at the tiny model's LR size."""
    faces = [matlab_imresize(f[..., None].astype(np.float32), size=(LR_SIZE, LR_SIZE)).clip(0, 1)
             for f in data.lfw_subset()[:n]]
    return np.repeat(np.stack(faces).transpose(0, 3, 1, 2), 3, 1).astype(np.float32)


def test_export_has_a_dynamic_batch_axis_and_matches_pytorch(exported, capsys):
    path, model = exported['source']
    graph = onnx.load(path).graph
    assert [d.dim_param or d.dim_value for d in graph.input[0].type.tensor_type.shape.dim] == \
        ['batch', 3, LR_SIZE, LR_SIZE]
    session = ort.InferenceSession(path, providers=['CPUExecutionProvider'])
    faces = lfw_faces(13)
    for batch in (1, 5, 13):
        out = session.run(['sr'], {'lr': faces[:batch]})[0]
        assert out.shape == (batch, 3, HR_SIZE, HR_SIZE)
        with torch.no_grad():
            ref = ((model(torch.from_numpy(faces[:batch]) * 2 - 1) + 1) / 2).clamp(0, 1).numpy()
        assert np.abs(out - ref).max() < 1e-4
    # what super_resolve gives (uint8): the same faces, within a rounding step
    uint8 = [(f.transpose(1, 2, 0) * 255).round().astype(np.uint8) for f in faces]
    ours = super_resolve(model, uint8)
    onnx_out = session.run(['sr'], {'lr': np.stack([f.transpose(2, 0, 1) / 255.0 for f in uint8])
                                    .astype(np.float32)})[0]
    for a, b in zip(ours, onnx_out):
        assert np.abs(a.astype(int) - (b.transpose(1, 2, 0) * 255).round()).max() <= 1


def test_adapted_export_is_the_adapted_model_with_gray_output(exported):
    (source_path, _), (adapted_path, adapted) = exported['source'], exported['adapted']
    faces = lfw_faces(6)
    source_out = ort.InferenceSession(source_path).run(['sr'], {'lr': faces})[0]
    adapted_out = ort.InferenceSession(adapted_path).run(['sr'], {'lr': faces})[0]
    assert adapted_out.shape == (6, 1, HR_SIZE, HR_SIZE)  # the config's gray_output
    with torch.no_grad():
        ref = ((adapted(torch.from_numpy(faces) * 2 - 1) + 1) / 2).clamp(0, 1).mean(1, keepdim=True)
    assert np.abs(adapted_out - ref.numpy()).max() < 1e-4
    assert np.abs(adapted_out - source_out.mean(1, keepdims=True)).max() > 1e-3  # adapted


def test_export_checks_its_arguments(tmp_path):
    with pytest.raises(SystemExit) as exit_:
        pytorch2onnx.main(['c.py', 'w.pth', str(tmp_path / 'm.onnx'), '--opset', '13'])
    assert exit_.value.code == 2
    with pytest.raises(SystemExit) as exit_:
        pytorch2onnx.main([str(tmp_path / 'missing.py'), 'w.pth', str(tmp_path / 'm.onnx')])
    assert str(exit_.value) == f'pytorch2onnx.py: error: config file not found: {tmp_path / "missing.py"}'
