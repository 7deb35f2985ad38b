"""BaseFaceSRModel: the face-SR models share its contract; a model without latents says it cannot adapt."""
import pytest
import torch

from dapfsr.models.base_models import BaseFaceSRModel
from dapfsr.models.editors import BicubicUpsampler, DAPFSR
from dapfsr.structures import FaceSRDataSample


def test_face_sr_models_share_the_contract():
    assert issubclass(DAPFSR, BaseFaceSRModel) and issubclass(BicubicUpsampler, BaseFaceSRModel)
    assert DAPFSR.self_loading_modules == ('perceptual', ) and BicubicUpsampler.self_loading_modules == ()


def test_pack_sr_predictions_maps_to_unit_range_and_follows_gray_references():
    sr = torch.tensor([-1.0, 0.0, 1.0]).view(1, 3, 1, 1).expand(2, 3, 1, 1)
    gray = FaceSRDataSample(gt_img=torch.zeros(1, 1, 1))
    colour = FaceSRDataSample(lr_img=torch.zeros(3, 1, 1))
    out = BaseFaceSRModel.pack_sr_predictions(sr, [gray, colour])
    assert out[0].pred_img.shape == (1, 1, 1) and out[0].pred_img.item() == pytest.approx(0.5)
    assert out[1].pred_img.flatten().tolist() == [0.0, 0.5, 1.0]


def test_a_model_without_latents_cannot_be_adapted():
    with pytest.raises(NotImplementedError, match='BicubicUpsampler has no latent codes to adapt'):
        BicubicUpsampler(out_size=16).encode_latents(torch.zeros(1, 3, 8, 8))
