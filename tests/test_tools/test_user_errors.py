"""Every user error of the tools is one line (issue 23, item 4): the table of wrong inputs
and what each tool says, run as child processes of one runner (the session's tests/conftest.py).

Each row: a command, its exit status (1; 2 for argparse errors), and a pattern that the
last line of stderr matches; no traceback anywhere.
"""
import os
import os.path as osp
import re

import cv2
import numpy as np
import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CFG = 'configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py'  # small profile, 64 px HR
SOURCE_CFG = 'configs/dapfsr/dapfsr_small_17k_celeba-hq.py'  # no "adaptation"
CKPT = 'checkpoints/dapfsr_small_celebahq.pth'
YALE_FRAME = ('yaleB04', 'yaleB04_P00A+000E+00.pgm')  # a raw 168x192 frame of CroppedYale
ADAPT, TEST, INFER = ['adapt.py', CFG, CKPT], ['test.py', CFG, CKPT], ['infer.py', CFG, CKPT]
SHORT = ['adaptation.outer_iters=1', 'adaptation.inner_iters=1', 'adaptation.batch_size=1']

# (name, argv with {tmp} / {frame} / {not_image} / {hr64}, status, pattern of the last stderr line)
USER_ERRORS = [
    ('exemplar HR not an image', ADAPT + ['--exemplar-hr', '{not_image}', '--work-dir', '{tmp}/w'], 1,
     r'error: exemplar HR file .*notanimage\.png is not an image that can be read: the file is empty, '
     r'truncated or corrupt'),
    ('exemplar LR not an image',
     ADAPT + ['--exemplar-hr', '{frame}', '--exemplar-lr', '{not_image}', '--work-dir', '{tmp}/w'], 1,
     r'error: exemplar LR file .*notanimage\.png is not an image that can be read'),
    ('exemplar HR missing', ADAPT + ['--exemplar-hr', '{tmp}/missing.png'], 1,
     r'error: exemplar HR file not found: .*missing\.png'),
    ('HR and LR counts differ',
     ADAPT + ['--exemplar-hr', '{hr64}', '{hr64}', '--exemplar-lr', '{not_image}'], 2,
     r'adapt\.py: error: 2 --exemplar-hr files but 1 --exemplar-lr files: give one LR file per HR file'),
    ('adapt: a config without adaptation',
     ['adapt.py', SOURCE_CFG, CKPT, '--split', 'A+000E+00', '--work-dir', '{tmp}/w'], 1,
     r'error: .*dapfsr_small_17k_celeba-hq\.py has no "adaptation" settings'),
    ('adapt: a split the config does not have', ADAPT + ['--split', 'A+999E+00', '--work-dir', '{tmp}/w'], 1,
     r"error: --split 'A\+999E\+00' is not a split of .*: its splits \(test_dataloader\.dataset\.conditions\) "
     r'are A\+000E\+00, A\+000E\+20, .*, A-070E\+00; did you mean '),
    ('test --one-shot: a protocol split the config does not have',
     TEST + ['--one-shot', 'source_only', '--work-dir', '{tmp}/w',
             '--cfg-options', 'one_shot_protocol.splits=[A+999E+00]'], 1,
     r"error: one_shot_protocol\.splits 'A\+999E\+00' is not a split of .*: its splits "
     r'\(test_dataloader\.dataset\.conditions\) are A\+000E\+00, .*, A-070E\+00'),
    ('test --one-shot: a condition the data does not have',
     TEST + ['--one-shot', 'source_only', '--max-tasks', '1', '--work-dir', '{tmp}/w',
             '--cfg-options', 'test_dataloader.dataset.conditions=[A+999E+00]'], 1,
     r"error: ExtendedYaleBDataset: no condition 'A\+999E\+00' in .*CroppedYale \(it has \d+ conditions\); "
     r'did you mean '),
    ('a key of a **kwargs base class misspelt',
     TEST + ['--work-dir', '{tmp}/w', '--cfg-options', 'test_dataloader.dataset.indicies=8'], 1,
     r"error: --cfg-options test_dataloader\.dataset\.indicies: test_dataloader\.dataset has no key "
     r"'indicies'; did you mean indices\?"),
    ('a misspelt model type', ['test.py', '{tmp}/bad_type.py', CKPT, '--work-dir', '{tmp}/w'], 1,
     r"error: model\.encoder\.type: 'DAPEncodr' is not in dapfsr's model registry; did you mean DAPEncoder"),
    ('a misspelt transform type',
     TEST + ['--work-dir', '{tmp}/w', '--cfg-options', 'test_dataloader.dataset.pipeline.1.type=CropAndResze'], 1,
     r"error: test_dataloader\.dataset\.pipeline\.1\.type: 'CropAndResze' is not in dapfsr's transform "
     r'registry; did you mean CropAndResize'),
    ('custom_imports: no such module', ['test.py', '{tmp}/bad_import.py', CKPT, '--work-dir', '{tmp}/w'], 1,
     r"error: custom_imports: no module named 'dapfsr\.models\.editor'; did you mean dapfsr\.models\.editors"),
    ('test --adapted missing', TEST + ['--adapted', '{tmp}/missing.pth', '--work-dir', '{tmp}/w'], 1,
     r'error: adapted-parameter file not found: .*missing\.pth'),
    ('test --deltas missing',
     TEST + ['--one-shot', 'deltas', '--deltas', '{tmp}/no_deltas', '--work-dir', '{tmp}/w'], 1,
     r'error: folder of adapted-parameter files \(--deltas\) not found: .*no_deltas'),
    ('infer --cfg-options misspelt', INFER + ['{tmp}/lr', '{tmp}/sr', '--cfg-options', 'model.encoder.input_sise=64'],
     1, r"infer\.py: error: --cfg-options model\.encoder\.input_sise: model\.encoder has no key 'input_sise'; "
     r'did you mean input_size\?'),
]
# a raw frame as the HR exemplar: cut and resized as the test faces are, said in one line
AUTO_CROP = ADAPT + ['--exemplar-hr', '{frame}', '--work-dir', '{tmp}/crop', '--no-samples', '--cfg-options', *SHORT]


def write_inputs(tmp):
    (tmp / 'notanimage.png').write_text('not an image\n')
    face = np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    cv2.imwrite(str(tmp / 'hr64.png'), face)
    os.makedirs(tmp / 'lr')
    cv2.imwrite(str(tmp / 'lr' / 'a.png'), face[::4, ::4])
    base = f'_base_ = [{osp.join(REPO_ROOT, CFG)!r}]\n'
    (tmp / 'bad_type.py').write_text(base + "model = dict(encoder=dict(type='DAPEncodr'))\n")
    (tmp / 'bad_import.py').write_text(base + "custom_imports = dict(imports=['dapfsr.models.editor'])\n")


RAN = {}


@pytest.fixture
def results(yaleb_root, tmp_path_factory, tool_runner):
    """Every command of the table (and AUTO_CROP), run once for the module: its folder and
    {name: (status, stdout, stderr)}."""
    if not RAN:
        RAN.update(run_table(tool_runner, osp.join(yaleb_root, *YALE_FRAME), tmp_path_factory.mktemp('user_errors')))
    return RAN['ran'], RAN['tmp']


def run_table(tool_runner, frame, tmp):
    write_inputs(tmp)
    fill = dict(tmp=str(tmp), frame=frame, not_image=str(tmp / 'notanimage.png'), hr64=str(tmp / 'hr64.png'))
    commands = [dict(name=name, argv=[a.format(**fill) for a in argv], timeout=120)
                for name, argv, _, _ in USER_ERRORS]
    commands.append(dict(name='auto crop', argv=[a.format(**fill) for a in AUTO_CROP], timeout=120))
    ran = tool_runner.run_many(commands)
    return dict(ran={c['name']: (r['status'], r['stdout'], r['stderr']) for c, r in zip(commands, ran)}, tmp=tmp)


@pytest.mark.parametrize('name, status, pattern', [(n, s, p) for n, _, s, p in USER_ERRORS],
                         ids=[row[0] for row in USER_ERRORS])
def test_a_user_error_is_one_line(results, name, status, pattern):
    code, _, err = results[0][name]
    assert 'Traceback' not in err, err[-3000:]
    assert code == status, err[-3000:]
    assert re.fullmatch(pattern + '.*', err.strip().splitlines()[-1]), err[-3000:]


def test_an_exemplar_of_another_size_is_made_as_the_test_faces(results):
    code, out, err = results[0]['auto crop']
    assert code == 0 and 'Traceback' not in err, err[-3000:]
    said = [line for line in (out + err).splitlines() if 'made as the test faces are' in line]
    assert len(said) == 1 and ('(HR whole frame -> 128 px -> 64 px, MATLAB bicubic): '
                               'HR yaleB04_P00A+000E+00.pgm (168x192)') in said[0], out + err
    assert (results[1] / 'crop' / 'adapted_parameters.pth').is_file()


def test_the_tools_help_says_what_they_need(tool_runner):
    """adapt.py -h: the HR size of the config's model; test.py -h: the --one-shot modes (-h
    builds nothing: importing the tools is the cost, paid once by the runner)."""
    helps = tool_runner.run_many([dict(argv=argv + ['-h'], timeout=300, env={'COLUMNS': '200'})
                                  for argv in (['adapt.py', CFG], ['test.py'])])
    assert all(h['status'] == 0 for h in helps), [h['stderr'][-3000:] for h in helps]
    stdout = helps[0]['stdout'] + helps[1]['stdout']
    assert f'HR exemplar face file(s): 64x64 for the model of {CFG}' in stdout
    for mode in ('source_only  the source model', 'adapt        adapt', 'deltas       load the per-task '
                 'adapted parameters saved by tools/adapt.py --split'):
        assert mode in stdout
