"""tools/analysis/error_decomposition.py: the band and the detail add up to each row's error, and
the oracle rows order as their information does."""
import json
import math
import os.path as osp
import subprocess
import sys

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_bands_add_up_and_the_true_affine_beats_bicubic(tmp_path, yaleb_root):
    result = subprocess.run(
        [sys.executable, 'tools/analysis/error_decomposition.py', 'configs/bicubic/bicubic_x4_yaleb.py',
         '--splits', 'A+000E+20', '--aligner', 'checkpoints/affine_aligner_small_celebahq.pth',
         '--out', str(tmp_path)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=600,
        env={'OMP_NUM_THREADS': '1', 'DAPFSR_DATA_ROOT': osp.dirname(yaleb_root), 'PATH': '/usr/bin:/bin'})
    assert result.returncode == 0, result.stderr[-3000:]
    rows = json.loads((tmp_path / 'decomposition.json').read_text())['rows']
    for name, row in rows.items():
        if 'PSNR' in row:  # MSE = band + detail, [-1, 1] range, x1e3
            assert math.isclose(10 * math.log10(4 / ((row['band'] + row['detail']) / 1e3)), row['PSNR'],
                                abs_tol=0.02), name
    model, true = rows['model'], rows['bicubic, upright by the true affine']
    assert model == rows['bicubic']  # the config's model is bicubic
    assert true['PSNR'] > rows['bicubic, upright by the aligner\'s estimate']['PSNR'] > model['PSNR'] + 0.3
    assert rows['model, refined with the true affine']['band'] < 0.05 * model['band']
    assert rows['aligner, calibrated on the exemplar']['scale'] < rows['aligner, uncalibrated']['scale']
    assert (tmp_path / 'decomposition.png').is_file()
