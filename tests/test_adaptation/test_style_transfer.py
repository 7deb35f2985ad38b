"""Style-transfer augmenters: AdaIN needs its trained weights; the colour transfer needs none."""
import dataclasses

import pytest
import torch
from adaptation_helpers import DEGRADATION, HR_SIZE, LR_SIZE, make_exemplars

from dapfsr.adaptation import feature_statistics
from dapfsr.models.archs.adain import AdaINDecoder, adain_encoder
from dapfsr.registry import MODELS

# Conv positions in pytorch-AdaIN's `vgg` (to relu4_1) and `decoder` Sequentials: their
# vgg_normalised.pth / decoder.pth keys are '<index>.weight' / '<index>.bias'.
REFERENCE_ENCODER_CONVS = [0, 2, 5, 9, 12, 16, 19, 22, 25, 29]
REFERENCE_DECODER_CONVS = [1, 5, 8, 11, 14, 18, 21, 25, 28]


def conv_indices(module):
    return sorted(int(k.split('.')[0]) for k in module.state_dict() if k.endswith('weight'))


@pytest.fixture(scope='module')
def adain_weights(tmp_path_factory):
    """Files in pytorch-AdaIN's layout (random values: only loading and shapes are tested)."""
    root = tmp_path_factory.mktemp('adain')
    torch.manual_seed(0)
    encoder = adain_encoder().state_dict()
    encoder['31.weight'] = torch.zeros(512, 512, 3, 3)  # the full file goes on to relu5_4
    torch.save(encoder, root / 'vgg_normalised.pth')
    torch.save(AdaINDecoder().state_dict(), root / 'decoder.pth')
    return str(root / 'vgg_normalised.pth'), str(root / 'decoder.pth')


def test_layouts_match_the_reference_implementation():
    assert conv_indices(adain_encoder()) == REFERENCE_ENCODER_CONVS
    assert conv_indices(AdaINDecoder()) == REFERENCE_DECODER_CONVS
    x = torch.rand(1, 3, 32, 32)
    assert adain_encoder()(x).shape == (1, 512, 4, 4)
    assert AdaINDecoder()(adain_encoder()(x)).shape == (1, 3, 32, 32)


def test_adain_refuses_to_run_without_trained_weights(tmp_path, adain_weights):
    with pytest.raises(ValueError, match='needs the trained AdaIN weights'):
        MODELS.build(dict(type='AdaINStyleTransfer', degradation=DEGRADATION))
    missing = str(tmp_path / 'vgg_normalised.pth')
    with pytest.raises(FileNotFoundError, match=f'AdaIN weights not found: {missing}'):
        MODELS.build(dict(type='AdaINStyleTransfer', encoder_weights=missing,
                          decoder_weights=adain_weights[1], degradation=DEGRADATION))
    with pytest.raises(ValueError, match=f'{adain_weights[1]} does not fit the AdaIN VGG-19 encoder'):
        MODELS.build(dict(type='AdaINStyleTransfer', encoder_weights=adain_weights[1],
                          decoder_weights=adain_weights[1], degradation=DEGRADATION))


def test_adain_loads_weights_and_makes_pairs(adain_weights, build_tiny_model):
    augmenter = MODELS.build(dict(type='AdaINStyleTransfer', encoder_weights=adain_weights[0],
                                  decoder_weights=adain_weights[1], degradation=DEGRADATION))
    saved = torch.load(adain_weights[0], weights_only=True)
    assert torch.equal(augmenter.encoder[29].weight, saved['29.weight'])
    assert not any(p.requires_grad for p in augmenter.parameters())
    hr, lr = augmenter.generate(build_tiny_model(), make_exemplars(num=2), 3)
    assert hr.shape == (3, 3, HR_SIZE, HR_SIZE) and lr.shape == (3, 3, LR_SIZE, LR_SIZE)
    assert hr.min() >= -1 and hr.max() <= 1
    assert augmenter.loss(None, None) is None  # nothing learnt: the loop only adapts the model


def test_colour_transfer_gives_faces_the_exemplar_statistics(build_tiny_model):
    exemplars = make_exemplars(num=1)
    exemplars = dataclasses.replace(exemplars, hr=exemplars.hr * 0.3 - 0.2)  # no clipping of the result
    augmenter = MODELS.build(dict(type='ColorStatisticsTransfer', degradation=DEGRADATION))
    hr, lr = augmenter.generate(build_tiny_model(), exemplars, 4)
    assert lr.shape == (4, 3, LR_SIZE, LR_SIZE)
    mean, std = feature_statistics(hr)
    target_mean, target_std = feature_statistics(exemplars.hr)
    torch.testing.assert_close(mean, target_mean.expand(4, -1), atol=1e-4, rtol=0)
    torch.testing.assert_close(std, target_std.expand(4, -1), atol=1e-4, rtol=1e-3)
