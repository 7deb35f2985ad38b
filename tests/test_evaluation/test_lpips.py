import math

import pytest
import torch
import torchvision

from dapfsr.registry import METRICS


@pytest.fixture
def alexnet_file(tmp_path):
    """A torchvision-layout AlexNet state dict (random weights, made by the test)."""
    torch.manual_seed(0)
    features = torchvision.models.alexnet().features.state_dict()
    state = {f'features.{k}': v for k, v in features.items()}
    path = tmp_path / 'alexnet-owt-test.pth'
    torch.save(state, path)
    return path, state


def score(metric, preds, gts):
    metric.process({}, [dict(pred_img=p, gt_img=g) for p, g in zip(preds, gts)])
    return metric.evaluate(len(preds))


def test_without_backbone_weights_lpips_is_not_reported(tmp_path, monkeypatch, logged_warnings):
    monkeypatch.setenv('TORCH_HOME', str(tmp_path))  # an empty hub cache
    monkeypatch.chdir(tmp_path)  # and no checkpoints/ folder
    metric = METRICS.build(dict(type='LPIPS'))
    assert metric.lpips_model is None
    result = score(metric, [torch.rand(3, 64, 64)], [torch.rand(3, 64, 64)])
    assert 'LPIPS' not in result
    assert any('LPIPS is not computed' in m and 'alexnet-owt' in m for m in logged_warnings)


def test_with_a_torchvision_alexnet_file(alexnet_file, faces):
    path, state = alexnet_file
    metric = METRICS.build(dict(type='LPIPS', backbone_checkpoint=str(path)))
    # The backbone holds the file's tensors, index for index (features.3 -> slice2.3).
    assert torch.equal(metric.lpips_model.net.slice2.get_submodule('3').weight, state['features.3.weight'])
    assert torch.equal(metric.lpips_model.net.slice5.get_submodule('10').bias, state['features.10.bias'])
    metric.process({}, [dict(pred_img=faces[0], gt_img=faces[0]),
                        dict(pred_img=faces[1], gt_img=faces[2])])
    same, different = [r['LPIPS'] for r in metric.results]
    assert same == pytest.approx(0.0, abs=1e-7)
    assert math.isfinite(different) and different > 0
    assert metric.evaluate(2) == {'LPIPS': pytest.approx(different / 2)}


def test_gray_targets_compare_in_gray(alexnet_file, faces):
    metric = METRICS.build(dict(type='LPIPS', backbone_checkpoint=str(alexnet_file[0])))
    gray = (0.299 * faces[0][0] + 0.587 * faces[0][1] + 0.114 * faces[0][2])[None]
    assert score(metric, [faces[0]], [gray])['LPIPS'] == pytest.approx(0.0, abs=1e-6)


def test_backbone_found_in_the_torch_hub_cache(alexnet_file, tmp_path, monkeypatch):
    path, _ = alexnet_file
    checkpoints = tmp_path / 'hub' / 'checkpoints'
    checkpoints.mkdir(parents=True)
    (checkpoints / 'alexnet-owt-7be5be79.pth').write_bytes(path.read_bytes())
    monkeypatch.setenv('TORCH_HOME', str(tmp_path))
    monkeypatch.chdir(tmp_path)
    metric = METRICS.build(dict(type='LPIPS'))
    assert metric.backbone_checkpoint == str(checkpoints / 'alexnet-owt-7be5be79.pth')
    # checkpoints/ of the working directory, where the configs' other weights are, comes first
    (tmp_path / 'checkpoints').mkdir()
    (tmp_path / 'checkpoints' / 'alexnet-owt-7be5be79.pth').write_bytes(path.read_bytes())
    assert METRICS.build(dict(type='LPIPS')).backbone_checkpoint == 'checkpoints/alexnet-owt-7be5be79.pth'


def test_bad_backbone_files_are_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match='nowhere.pth'):
        METRICS.build(dict(type='LPIPS', backbone_checkpoint=str(tmp_path / 'nowhere.pth')))
    wrong = tmp_path / 'resnet.pth'
    torch.save({'conv1.weight': torch.zeros(64, 3, 7, 7)}, wrong)
    with pytest.raises(ValueError, match=r'resnet.pth does not fit a torchvision AlexNet.*'
                                         r'10 missing \(features\.0\.weight.*1 unexpected \(conv1\.weight'):
        METRICS.build(dict(type='LPIPS', backbone_checkpoint=str(wrong)))
