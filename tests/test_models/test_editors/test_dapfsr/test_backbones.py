import pytest
import torch
import torchvision

from dapfsr.registry import MODELS
from dapfsr.utils.pretrained import shipped_efficientnet_lite0_weights


def test_resnet_backbone_loads_a_torchvision_state_dict(tmp_path):
    reference = torchvision.models.resnet50(weights=None)
    path = tmp_path / 'resnet50-imagenet.pth'
    torch.save(reference.state_dict(), path)
    backbone = MODELS.build(dict(type='ResNetBackbone', depth=50, pretrained=str(path)))
    assert not torch.equal(backbone.net.layer4[2].conv3.weight, reference.layer4[2].conv3.weight)
    backbone.init_weights()
    for name, value in backbone.net.state_dict().items():
        assert torch.equal(value, reference.state_dict()[name]), name
    assert backbone.stage_channels == [64, 256, 512, 1024, 2048]
    x = torch.randn(1, 3, 64, 64)
    strides = []
    with torch.no_grad():
        for i in range(5):
            x = backbone.forward_stage(i, x)
            strides.append(64 // x.shape[-1])
    assert strides == [4, 4, 8, 16, 32]


def test_wrong_weight_files_give_errors_naming_them(tmp_path):
    not_a_checkpoint = tmp_path / 'notes.pth'
    not_a_checkpoint.write_text('hello')
    wrong_network = tmp_path / 'resnet18.pth'
    torch.save(torchvision.models.resnet18(weights=None).state_dict(), wrong_network)
    for path in (not_a_checkpoint, wrong_network, tmp_path / 'missing.pth'):
        backbone = MODELS.build(dict(type='ResNetBackbone', depth=34, pretrained=str(path)))
        with pytest.raises((ValueError, FileNotFoundError), match=path.name):
            backbone.init_weights()


def test_efficientnet_backbone_loads_shipped_weights_and_strides():
    backbone = MODELS.build(dict(type='EfficientNetLite0Backbone'))
    backbone.init_weights()
    shipped = torch.load(shipped_efficientnet_lite0_weights(), weights_only=True)
    assert torch.equal(backbone.net._blocks[15]._project_conv.weight,
                       shipped['_blocks.15._project_conv.weight'])
    x = torch.randn(1, 3, 64, 64)
    shapes = []
    with torch.no_grad():
        for i in range(5):
            x = backbone.forward_stage(i, x)
            shapes.append(tuple(x.shape[1:]))
    assert shapes == [(16, 32, 32), (24, 16, 16), (40, 8, 8), (112, 4, 4), (1280, 2, 2)]
    assert backbone.stage_channels == [s[0] for s in shapes]
