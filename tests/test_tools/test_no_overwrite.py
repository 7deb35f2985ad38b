"""No tool writes over a file it reads (issue 24, item 2; and item 7's ONNX path under a file).

Each row runs a tool (children of the session's tests/conftest.py process) with an output that is one
of its inputs, directly or through a link, and expects a one-line error before anything is
computed, with every input byte for byte as it was. tools/infer.py's outputs of an earlier run
are replaced and counted, or kept with ``--skip-existing``.
"""
import hashlib
import os
import os.path as osp
import shutil

import cv2
import numpy as np
import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SMALL_CFG = 'configs/dapfsr/dapfsr_small_17k_celeba-hq.py'
ADAPT_CFG = 'configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py'
BICUBIC_CFG = 'configs/bicubic/bicubic_x4_celeba-hq.py'
SHORT = ['--cfg-options', 'adaptation.outer_iters=1', 'adaptation.inner_iters=1', 'adaptation.batch_size=1']

# (name, argv with {t} = the test's folder, exit status, text the last stderr line holds)
ROWS = [
    ('adapt --out CHECKPOINT',
     ['adapt.py', ADAPT_CFG, '{t}/ck.pth', '--exemplar-hr', '{t}/hr64.png', '--out', '{t}/ck.pth', '--no-samples',
      '--work-dir', '{t}/w1', *SHORT], 2, 'error: --out {t}/ck.pth is CHECKPOINT ({t}/ck.pth)'),
    ('adapt --out a link to CHECKPOINT',
     ['adapt.py', ADAPT_CFG, '{t}/ck.pth', '--exemplar-hr', '{t}/hr64.png', '--out', '{t}/link.pth', '--no-samples',
      '--work-dir', '{t}/w2', *SHORT], 2, 'error: --out {t}/link.pth is CHECKPOINT ({t}/ck.pth)'),
    ('adapt --out the exemplar',
     ['adapt.py', ADAPT_CFG, '{t}/ck.pth', '--exemplar-hr', '{t}/hr64.png', '--out', '{t}/hr64.png', '--no-samples',
      '--work-dir', '{t}/w3', *SHORT], 2, 'error: --out {t}/hr64.png is an --exemplar-hr file'),
    ('adapt --metrics-out CHECKPOINT',
     ['adapt.py', ADAPT_CFG, '{t}/ck.pth', '--exemplar-hr', '{t}/hr64.png', '--test', '--metrics-out',
      '{t}/ck.pth', '--no-samples', '--work-dir', '{t}/w4', *SHORT], 2, 'error: --metrics-out {t}/ck.pth is CHECKPOINT'),
    ('pytorch2onnx OUT CHECKPOINT',
     ['deployment/pytorch2onnx.py', SMALL_CFG, '{t}/ck.pth', '{t}/ck.pth', '--no-verify'], 2,
     'error: OUT {t}/ck.pth is CHECKPOINT ({t}/ck.pth)'),
    ('pytorch2onnx OUT a link to CONFIG',
     ['deployment/pytorch2onnx.py', SMALL_CFG, '{t}/ck.pth', '{t}/config_link.py', '--no-verify'], 2,
     f'error: OUT {{t}}/config_link.py is CONFIG ({SMALL_CFG})'),
    ('pytorch2onnx OUT under a regular file',
     ['deployment/pytorch2onnx.py', SMALL_CFG, '{t}/ck.pth', '{t}/hr64.png/m.onnx', '--no-verify'], 2,
     'error: OUT cannot be written: {t}/hr64.png/m.onnx: {t}/hr64.png is a file, not a folder'),
    ('test --out CHECKPOINT',
     ['test.py', SMALL_CFG, '{t}/ck.pth', '--out', '{t}/ck.pth', '--work-dir', '{t}/w5'], 1,
     'error: --out {t}/ck.pth is CHECKPOINT ({t}/ck.pth)'),
    ('publish_model DST SRC',
     ['model_converters/publish_model.py', '{t}/ck.pth', '{t}/link.pth'], 2,
     'error: DST {t}/link.pth is SRC ({t}/ck.pth)'),
    ('infer: an output on an input',  # IN = d/sub: sub/x.png's output d/sub/x.png.png is an input
     ['infer.py', BICUBIC_CFG, '{t}/d/sub', '{t}/d', '--recursive'], 2,
     'error: the output of sub/x.png, {t}/d/sub/x.png.png, is the input {t}/d/sub/x.png.png'),
    ('infer: an output linked to CHECKPOINT',
     ['infer.py', SMALL_CFG, '{t}/ck.pth', '{t}/in', '{t}/out_link'], 2,
     'error: the output of a.png, {t}/out_link/a.png.png, is CHECKPOINT {t}/ck.pth'),
]
# tools/infer.py run three times into one folder: anew, again (replacing), --skip-existing
RERUNS = [('infer: first run', ['infer.py', BICUBIC_CFG, '{t}/in', '{t}/out']),
          ('infer: again', ['infer.py', BICUBIC_CFG, '{t}/in', '{t}/out']),
          ('infer: --skip-existing', ['infer.py', BICUBIC_CFG, '{t}/in', '{t}/out', '--skip-existing'])]


def face(value, size):
    return np.full((size, size, 3), value, np.uint8)


def write_inputs(t):
    shutil.copy(osp.join(REPO_ROOT, 'checkpoints', 'dapfsr_small_celebahq.pth'), t / 'ck.pth')
    os.symlink(t / 'ck.pth', t / 'link.pth')
    os.symlink(osp.join(REPO_ROOT, SMALL_CFG), t / 'config_link.py')
    cv2.imwrite(str(t / 'hr64.png'), np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8))
    os.makedirs(t / 'd' / 'sub' / 'sub')
    cv2.imwrite(str(t / 'd' / 'sub' / 'sub' / 'x.png'), face(90, 16))
    cv2.imwrite(str(t / 'd' / 'sub' / 'x.png.png'), face(50, 16))
    os.makedirs(t / 'in')
    cv2.imwrite(str(t / 'in' / 'a.png'), face(70, 16))
    os.makedirs(t / 'out_link')
    os.symlink(t / 'ck.pth', t / 'out_link' / 'a.png.png')


def digests(t):
    """sha256 of every input file the rows could write over."""
    files = ['ck.pth', 'hr64.png', 'd/sub/sub/x.png', 'd/sub/x.png.png', 'in/a.png']
    out = {f: hashlib.sha256((t / f).read_bytes()).hexdigest() for f in files}
    out[SMALL_CFG] = hashlib.sha256(open(osp.join(REPO_ROOT, SMALL_CFG), 'rb').read()).hexdigest()
    return out


RAN = {}


@pytest.fixture
def ran(tmp_path_factory, tool_runner):
    if not RAN:
        t = tmp_path_factory.mktemp('no_overwrite')
        write_inputs(t)
        before = digests(t)
        commands = [dict(argv=[a.format(t=t) for a in argv], timeout=300) for _, argv, _, _ in ROWS]
        # the reruns in order, after the table; mtime of the first run's output read between runs
        commands += [dict(argv=[a.format(t=t) for a in argv], timeout=120) for _, argv in RERUNS]
        results = tool_runner.run_many(commands)
        RAN.update(t=t, before=before, after=digests(t), results=dict(zip([r[0] for r in ROWS + RERUNS], results)))
    return RAN


@pytest.mark.parametrize('name, status, expect', [(n, s, e) for n, _, s, e in ROWS], ids=[r[0] for r in ROWS])
def test_an_output_that_is_an_input_is_refused_in_one_line(ran, name, status, expect):
    result = ran['results'][name]
    last = (result['stderr'].strip().splitlines() or [''])[-1]
    assert result['status'] == status, f'{name}: {result["stderr"][-2000:]}'
    assert expect.format(t=ran['t']) in last, last
    assert 'Traceback' not in result['stderr']


def test_no_input_was_changed(ran):
    assert ran['after'] == ran['before']
    assert osp.islink(ran['t'] / 'out_link' / 'a.png.png') and osp.islink(ran['t'] / 'link.pth')


def test_infer_replaces_earlier_outputs_and_says_so_or_keeps_them(ran):
    first, again, skip = (ran['results'][name] for name, _ in RERUNS)
    assert first['status'] == again['status'] == skip['status'] == 0, again['stderr'] + skip['stderr']
    assert 'replaced' not in first['stderr']
    assert 'replaced 1 outputs of an earlier run' in again['stderr']
    assert '--skip-existing: every one of the 1 inputs has its output' in skip['stdout']
