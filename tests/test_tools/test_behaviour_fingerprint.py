"""tools/analysis/behaviour_fingerprint.py: outputs compared by content, renames and config changes named."""
import json
import os.path as osp
import sys

import cv2
import numpy as np
import torch

sys.path.insert(0, osp.join(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'tools', 'analysis'))
import behaviour_fingerprint as fingerprint  # noqa: E402


def write_outputs(root, pixels, metrics, seconds):
    (root / 'grids').mkdir(parents=True)
    cv2.imwrite(str(root / 'grids' / 'a.png'), pixels, [cv2.IMWRITE_PNG_COMPRESSION, int(seconds) % 10])
    (root / 'row.json').write_text(json.dumps(dict(PSNR=metrics, adaptation_seconds=seconds)))
    torch.save(dict(state_dict=dict(w=torch.arange(4.))), root / 'adapted.pth')


def test_outputs_compare_by_content_not_by_encoding_or_timings(tmp_path):
    pixels = np.random.RandomState(0).randint(0, 256, (8, 8, 3), np.uint8)
    write_outputs(tmp_path / 'before', pixels, 21.5, seconds=3.0)
    write_outputs(tmp_path / 'after', pixels, 21.5, seconds=7.0)  # another PNG compression, another time
    before, after = (fingerprint.digest_folder(str(tmp_path / name)) for name in ('before', 'after'))
    assert sorted(before) == ['adapted.pth', 'grids/a.png', 'row.json'] and before == after
    changed = pixels.copy()
    changed[0, 0, 0] ^= 1
    cv2.imwrite(str(tmp_path / 'after' / 'grids' / 'a.png'), changed)
    (tmp_path / 'after' / 'row.json').write_text(json.dumps(dict(PSNR=21.6, adaptation_seconds=1.0)))
    after = fingerprint.digest_folder(str(tmp_path / 'after'))
    assert sorted(k for k in before if before[k] != after[k]) == ['grids/a.png', 'row.json']


def test_compare_names_renames_differences_and_config_changes():
    config = dict(cfg=dict(adaptation=dict(type='DAMMA', outer_iters=3)), state='s1')
    before = dict(outputs={'damma_exemplars.png': 'd1', 'row.json': 'd2', 'gone.png': 'd3'},
                  configs={'c.py': config, 'same.py': config})
    after = dict(outputs={'adaptation_exemplars.png': 'd1', 'row.json': 'd9', 'extra.png': 'd4'},
                 configs={'c.py': dict(cfg=dict(adaptation=dict(type='OneShotAdaptation', outer_iters=3)),
                                       state='s2'),
                          'same.py': config})
    assert fingerprint.compare(before, after) == [
        'same, renamed: damma_exemplars.png -> adaptation_exemplars.png', 'missing: gone.png',
        'differs: row.json', 'new: extra.png', 'model state differs: c.py',
        'config c.py.adaptation.type: DAMMA -> OneShotAdaptation']
    assert fingerprint.compare(before, before) == []
