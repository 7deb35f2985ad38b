import pytest
import skimage.data
import torch
import torch.nn.functional as F
import torchvision

from dapfsr.models.losses.perceptual import vgg19_layer_names
from dapfsr.registry import MODELS
from dapfsr.utils.pretrained import shipped_efficientnet_lite0_weights

PAPER_LAYERS = ('relu1_1', 'relu2_1', 'relu3_1', 'relu4_1')


@pytest.fixture(scope='module')
def vgg19_file(tmp_path_factory):
    """torchvision's VGG-19 state dict layout (classifier included), random values."""
    torch.manual_seed(0)
    reference = torchvision.models.vgg19(weights=None).eval()
    path = tmp_path_factory.mktemp('weights') / 'vgg19-imagenet.pth'
    torch.save(reference.state_dict(), path)
    return path, reference


@pytest.fixture(scope='module')
def vgg19_extractor(vgg19_file):
    return MODELS.build(dict(type='VGG19Features', layers=PAPER_LAYERS,
                             pretrained=str(vgg19_file[0])))


def test_vgg19_layer_names_follow_torchvision_indices(vgg19_file):
    names = vgg19_layer_names()
    assert len(names) == len(vgg19_file[1].features)
    assert [names.index(n) for n in PAPER_LAYERS] == [1, 6, 11, 20]
    assert names[-1] == 'pool5' and names[34] == 'conv5_4'


def test_vgg19_taps_exactly_the_named_layers(vgg19_file, vgg19_extractor):
    reference, extractor = vgg19_file[1], vgg19_extractor
    img = torch.rand(2, 3, 32, 32) * 2 - 1
    feats = extractor(img)
    # torchvision's own Sequential, run by hand on ImageNet-normalised input
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    x = ((img + 1) / 2 - mean) / std
    with torch.no_grad():
        expected = [reference.features[:i + 1](x.clone()) for i in (1, 6, 11, 20)]
    assert [tuple(f.shape[1:]) for f in feats] == [(64, 32, 32), (128, 16, 16), (256, 8, 8),
                                                   (512, 4, 4)]
    for got, want in zip(feats, expected):
        assert torch.allclose(got, want, atol=1e-5)
    assert len(extractor.features) == 21  # nothing built past relu4_1


def test_vgg19_conv_taps_are_not_overwritten_by_relu():
    extractor = MODELS.build(dict(type='VGG19Features', layers=('conv1_1', 'relu1_1'),
                                  allow_random_weights=True))
    conv, relu = extractor(torch.rand(1, 3, 8, 8) * 2 - 1)
    assert (conv < 0).any() and torch.equal(relu, conv.clamp(min=0))


def test_extractors_are_frozen_and_pass_gradients_to_images(vgg19_extractor):
    extractor = vgg19_extractor
    extractor.train()
    assert not extractor.training
    assert not any(p.requires_grad for p in extractor.parameters())
    img = (torch.rand(1, 3, 16, 16) * 2 - 1).requires_grad_()
    sum(f.sum() for f in extractor(img)).backward()
    assert img.grad.abs().sum() > 0


def test_gray_images_are_replicated(vgg19_extractor):
    extractor = vgg19_extractor
    gray = torch.rand(1, 1, 16, 16) * 2 - 1
    for a, b in zip(extractor(gray), extractor(gray.expand(-1, 3, -1, -1))):
        assert torch.equal(a, b)


def test_extractors_refuse_random_weights_unknown_layers_and_wrong_files(tmp_path):
    with pytest.raises(ValueError, match='needs ImageNet weights'):
        MODELS.build(dict(type='VGG19Features'))
    with pytest.raises(ValueError, match='needs ImageNet weights'):
        MODELS.build(dict(type='EfficientNetLite0Features', pretrained=None))
    random = MODELS.build(dict(type='VGG19Features', layers=('relu1_1',),
                               allow_random_weights=True))
    assert random(torch.zeros(1, 3, 8, 8))[0].shape == (1, 64, 8, 8)
    with pytest.raises(ValueError, match='relu9_9'):
        MODELS.build(dict(type='VGG19Features', layers=('relu9_9',), allow_random_weights=True))
    wrong = tmp_path / 'resnet18-as-vgg.pth'
    torch.save(torchvision.models.resnet18(weights=None).state_dict(), wrong)
    with pytest.raises(ValueError, match='resnet18-as-vgg.pth'):
        MODELS.build(dict(type='VGG19Features', pretrained=str(wrong)))
    with pytest.raises(FileNotFoundError, match='vgg19-missing.pth'):
        MODELS.build(dict(type='VGG19Features', pretrained=str(tmp_path / 'vgg19-missing.pth')))


def test_efficientnet_lite0_extractor_recognises_real_images():
    """The shipped ImageNet weights through this forward (TF 'same' padding, BN eps
    1e-3, ReLU6, (x - 127) / 128) must classify chelsea as a cat (ImageNet 281-285)
    and coffee as espresso (967): the proof that the port is right."""
    extractor = MODELS.build(dict(type='EfficientNetLite0Features',
                                  layers=('block0', 'block2', 'block4', 'block10', 'head')))
    images = [skimage.data.chelsea(), skimage.data.coffee()]
    batch = torch.cat([F.interpolate(torch.from_numpy(img).permute(2, 0, 1)[None] / 127.5 - 1,
                                     size=224, mode='bilinear', antialias=True)
                       for img in images])
    with torch.no_grad():
        feats = extractor(batch)
    assert [tuple(f.shape[1:]) for f in feats] == [(16, 112, 112), (24, 56, 56), (40, 28, 28),
                                                   (112, 14, 14), (1280, 7, 7)]
    shipped = torch.load(shipped_efficientnet_lite0_weights(), weights_only=True)
    logits = F.linear(feats[-1].mean((2, 3)), shipped['_fc.weight'], shipped['_fc.bias'])
    probs = logits.softmax(1)
    assert probs[0].argmax().item() in range(281, 286)
    assert probs[0, 281:286].sum() > 0.8
    assert probs[1].argmax().item() == 967
