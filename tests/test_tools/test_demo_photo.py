"""tools/misc/demo_photo.py: the demo photo written as a PNG, with a face the detector finds;
README.md's photo commands, which start from it, run as written."""
import os.path as osp
import re
import shlex
import subprocess
import sys

import cv2
import numpy as np

from dapfsr.apis.photo import demo_photo
from dapfsr.models.detectors import MTCNN

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(REPO_ROOT, 'tools', 'misc', 'demo_photo.py')


def run(*argv):
    return subprocess.run([sys.executable, TOOL, *map(str, argv)], capture_output=True, text=True)


def test_writes_the_demo_photo(tmp_path):
    done = run(tmp_path / 'photos' / 'astronaut.png', '--face-size', '16')
    assert done.returncode == 0 and done.stdout == (
        f"wrote {tmp_path / 'photos' / 'astronaut.png'}: scikit-image's astronaut, 94x94, "
        'her face about 16 px across\n')
    img = cv2.imread(str(tmp_path / 'photos' / 'astronaut.png'))[..., ::-1]
    np.testing.assert_array_equal(img, demo_photo(16))
    assert len(MTCNN().detect(img)) == 1


def test_face_size_must_be_positive(tmp_path):
    done = run(tmp_path / 'a.png', '--face-size', '0')
    assert done.returncode == 2 and done.stderr.splitlines()[-1] == (
        'demo_photo.py: error: argument --face-size: must be > 0, got 0')
    assert not (tmp_path / 'a.png').exists()


def test_readme_photo_commands_run_as_written(tmp_path):
    """README.md's "## Your own photos" block, each line run from the project root with only
    ``work_dirs/`` moved into a temporary folder: the demo photo, then infer.py on it."""
    text = open(osp.join(REPO_ROOT, 'README.md'), encoding='utf-8').read()
    match = re.search(r'^## Your own photos\n\s*```bash\n(.*?)^```', text, re.S | re.M)
    assert match, 'README.md has no ```bash block right after "## Your own photos"'
    lines = [shlex.split(line, comments=True) for line in match.group(1).replace('\\\n', ' ').splitlines()]
    assert [args[:2] for args in lines] == [['python', 'tools/misc/demo_photo.py'], ['python', 'tools/infer.py']]
    for args in lines:
        args = [sys.executable] + [a.replace('work_dirs/', f'{tmp_path}/') for a in args[1:]]
        done = subprocess.run(args, cwd=REPO_ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    out = tmp_path / 'photos_sr'
    assert sorted(p.name for p in out.iterdir()) == [
        'astronaut.png.compare.png', 'astronaut.png.face0.lr.png', 'astronaut.png.face0.sr.png',
        'astronaut.png.png']
    assert cv2.imread(str(out / 'astronaut.png.png')).shape == (276, 276, 3)  # README: x2.3
