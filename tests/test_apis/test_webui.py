"""dapfsr.apis.webui without a browser: DAMMA's progress callback and the page's cancel, and the
one-line messages of bad uploads (tests/test_tools/test_webui_browser.py drives the page itself)."""
import os.path as osp

import cv2
import numpy as np
import pytest

from dapfsr.apis.webui import WEBUI_MODELS, WebInputError, WebUI, read_upload

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
FAST = {'adaptation.outer_iters': 1, 'adaptation.inner_iters': 3}


@pytest.fixture(scope='module')
def webui(tmp_path_factory):
    ui = WebUI(WEBUI_MODELS[:1], cfg_options=FAST, work_dir=str(tmp_path_factory.mktemp('webui')))
    yield ui
    ui.close()


def face(tmp_path, name, side, seed=0):
    rng = np.random.default_rng(seed)
    path = str(tmp_path / name)
    cv2.imwrite(path, rng.integers(0, 255, (side, side, 3), dtype=np.uint8))
    return path


def test_cancel_stops_after_the_step_and_keeps_the_source(webui, tmp_path):
    steps = []

    def progress(step, total, seconds):
        steps.append((step, total))
        if step == 2:
            webui.cancel('s1')  # the Cancel button of this session, pressed during step 2

    with pytest.raises(WebInputError, match=r'^adaptation of DAP-FSR.* cancelled \(cancelled after step 2 of 3\)'):
        webui.adapt('s1', 'dapfsr', face(tmp_path, 'hr.png', 64), progress=progress)
    assert steps == [(1, 3), (2, 3)]
    assert 'dapfsr' not in webui.session('s1').adapted
    # another session is not cancelled by it, and a new adaptation of this one runs to the end
    steps.clear()
    adapted, message = webui.adapt('s2', 'dapfsr', face(tmp_path, 'hr.png', 64),
                                   progress=lambda step, total, seconds: steps.append(step))
    assert steps == [1, 2, 3] and message.startswith('adapted DAP-FSR') and osp.isfile(adapted.delta)
    assert webui.session('s2').adapted['dapfsr'] is adapted and 'dapfsr' not in webui.session('s1').adapted


def test_bad_uploads_are_one_line_messages_naming_the_file(webui, tmp_path):
    empty = tmp_path / 'empty.png'
    empty.write_bytes(b'')
    text = tmp_path / 'notes.jpg'
    text.write_text('hello')
    huge = str(tmp_path / 'huge.png')
    cv2.imwrite(huge, np.zeros((5000, 8000), np.uint8))  # 40 megapixels, a small file
    for path, message in ((empty, r'^empty\.png is an empty file \(0 bytes\)'),
                          (text, r'^notes\.jpg is not an image that can be read'),
                          (huge, r'^huge\.png is 8000x5000 \(40 megapixels\); the page takes images up to 16')):
        with pytest.raises(WebInputError, match=message):
            read_upload(str(path))
    blank = str(tmp_path / 'blank.png')
    cv2.imwrite(blank, np.full((300, 300, 3), 128, np.uint8))
    rows, messages = webui.super_resolve('s3', 'dapfsr', [str(text), blank, face(tmp_path, 'lr.png', 16)])
    assert [r.name for r in rows] == ['lr.png'] and rows[0].images[3] is None  # s3 has not adapted
    assert len(messages) == 2 and messages[0].startswith('notes.jpg is not an image')
    assert messages[1].startswith('blank.png (300x300): no face found in this photo'), messages
    with pytest.raises(WebInputError, match='no face found'):
        webui.adapt('s3', 'dapfsr', blank)
    assert all('\n' not in m for m in messages)


def test_models_of_the_table_exist():
    for entry in WEBUI_MODELS:
        assert osp.isfile(osp.join(REPO_ROOT, entry.config)), entry
        assert entry.checkpoint is None or osp.isfile(osp.join(REPO_ROOT, entry.checkpoint)), entry
