"""The comparison picture of a super-resolved photo (dapfsr.visualization.compare_panel)."""
import numpy as np
from skimage import data

from dapfsr.apis.photo import demo_photo, super_resolve_photo
from dapfsr.visualization import compare_panel
from conftest import HR_SIZE, LR_SIZE


def test_photo_without_a_face_has_no_comparison(tiny_model):
    img = data.coffee()
    result = super_resolve_photo(tiny_model(), img)
    assert result.faces == [] and compare_panel(img, result) is None


def test_comparison_is_one_row_of_three_labelled_tiles_per_face(tiny_model):
    img = demo_photo(face_size=24)
    result = super_resolve_photo(tiny_model(), img, scale=HR_SIZE / LR_SIZE, large_faces=True)
    assert len(result.faces) == 1
    panel = compare_panel(img, result, tile=160)
    assert panel.ndim == 3 and panel.shape[2] == 3 and panel.shape[1] > 2 * panel.shape[0]
    assert panel.shape[0] == 18 + 160  # the label bar, then the tiles
    # three tiles of one width between two 4 px white gaps; the labels' text is black on white
    width = (panel.shape[1] - 2 * 4) // 3
    assert panel.shape[1] == 3 * width + 2 * 4
    gaps = [panel[:, k * (width + 4) + width:(k + 1) * (width + 4)] for k in range(2)]
    assert all((gap == 255).all() for gap in gaps)
    bars = [panel[:18, k * (width + 4):k * (width + 4) + width] for k in range(3)]
    assert all((bar < 128).any() and (bar == 255).mean() > 0.7 for bar in bars)
    tiles = [panel[18:, k * (width + 4):k * (width + 4) + width].astype(int) for k in range(3)]
    assert np.abs(tiles[2] - tiles[1]).max() > 0  # ours is not bicubic
