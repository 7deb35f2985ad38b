"""SR faces back into the photo (dapfsr.apis.paste_back): the warp back to the face's place,
and the projection that makes the output consistent with the photo."""
import cv2
import numpy as np
import pytest

from dapfsr.apis.face_alignment import TEMPLATE_128, TEMPLATE_SIDE, alignment_matrix, invert_affine, warp
from dapfsr.apis.paste_back import paste_face, project_to_photo
from dapfsr.utils.matlab_resize import matlab_imresize


@pytest.mark.parametrize('scale', [1, 3])
def test_align_then_warp_back_returns_the_crop_to_its_place(astronaut_reference, scale):
    img, ref = astronaut_reference
    m = alignment_matrix(ref.landmarks)
    side = 96
    # 1. dots drawn in the crop at the template landmarks land where the template maps
    ys, xs = np.mgrid[:side, :side] + 0.5  # pixel centres, continuous coordinates
    crop = sum(np.exp(-((xs - x) ** 2 + (ys - y) ** 2) / (2 * 1.2 ** 2))
               for x, y in TEMPLATE_128 * side / TEMPLATE_SIDE).astype(np.float32)[..., None]
    canvas = np.zeros((img.shape[0] * scale, img.shape[1] * scale, 1), np.float32)
    paste_face(canvas, crop, m, scale, colour=False, mask=np.ones((side, side), np.float32))
    back = invert_affine(m)
    expected = (TEMPLATE_128 @ back[:, :2].T + back[:, 2]) * scale
    for x, y in expected:  # centroid of each dot, in continuous coordinates
        x0, y0 = int(x) - 12 * scale, int(y) - 12 * scale
        patch = canvas[y0:y0 + 24 * scale, x0:x0 + 24 * scale, 0]
        ys, xs = np.mgrid[:patch.shape[0], :patch.shape[1]]
        centroid = np.array([(xs * patch).sum(), (ys * patch).sum()]) / patch.sum() + [x0 + .5, y0 + .5]
        assert np.abs(centroid - (x, y)).max() < 0.25 * scale  # well within a photo pixel
    # 2. the photo warped to the crop and back lies on itself (no shift)
    photo = img.astype(np.float32) / 255
    crop = warp(photo, invert_affine(m * (side / TEMPLATE_SIDE)), (side, side))
    canvas = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC) * 0
    x0, y0, x1, y1 = paste_face(canvas, crop, m, scale, colour=False,
                                mask=np.ones((side, side), np.float32))
    box = ref.box.astype(int) * scale
    inner = (slice(box[1], box[3]), slice(box[0], box[2]))
    original = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    a, b = cv2.cvtColor(original[inner], cv2.COLOR_RGB2GRAY), cv2.cvtColor(canvas[inner], cv2.COLOR_RGB2GRAY)
    (dx, dy), _ = cv2.phaseCorrelate(a.astype(np.float64), b.astype(np.float64))
    assert abs(dx) < 0.3 * scale and abs(dy) < 0.3 * scale
    assert np.abs(a - b).mean() < 0.03


def dense_downscale(in_shape, out_shape):
    """MATLAB bicubic from (H, W) to (h, w) as a dense (h*w, H*W) matrix, column by column
    from matlab_imresize of unit images: a reference independent of project_to_photo's
    separable matrices and eigendecompositions."""
    n = in_shape[0] * in_shape[1]
    cols = [matlab_imresize(np.eye(n)[k].reshape(in_shape), size=out_shape).ravel() for k in range(n)]
    return np.stack(cols, 1)


@pytest.mark.parametrize('regularisation', [0.0, 0.01])
def test_project_to_photo_against_a_dense_least_norm_solution(regularisation):
    rng = np.random.default_rng(0)
    canvas = rng.random((13, 11, 3))
    photo = rng.random((5, 4, 3)).astype(np.float32)
    d = dense_downscale((13, 11), (5, 4))
    out = project_to_photo(canvas, photo, regularisation)
    for c in range(3):
        x0, y = canvas[..., c].ravel(), photo[..., c].ravel().astype(np.float64)
        ref = x0 + d.T @ np.linalg.solve(d @ d.T + regularisation * np.eye(len(y)), y - d @ x0)
        np.testing.assert_allclose(out[..., c].ravel(), ref, atol=2e-5)
    if regularisation == 0:  # exactly consistent: shrunk back, the photo
        np.testing.assert_allclose(matlab_imresize(out.astype(np.float64), size=(5, 4)), photo, atol=2e-5)
