"""Benchmark results: averaging as the paper does and the Table 1 shaped output."""
import json

import pytest

from dapfsr.evaluation.results_table import configured_metrics, results_table, summarize, write_results


def test_summarize_averages_seeds_within_splits_then_splits():
    records = [dict(split='a', seed=0, PSNR=20.0), dict(split='a', seed=1, PSNR=22.0),
               dict(split='b', seed=0, PSNR=30.0)]
    summary = summarize(records)
    assert summary['splits'] == {'a': {'PSNR': 21.0}, 'b': {'PSNR': 30.0}}
    assert summary['mean'] == {'PSNR': pytest.approx(25.5)}  # not the task mean, 24.0


def test_results_table_orders_columns_and_marks_uncomputed_metrics(tmp_path):
    rows = {'Bicubic': {'SSIM': 0.4567, 'PSNR': 19.944}, 'Ours': {'PSNR': 22.3, 'SSIM': 0.55}}
    expected = configured_metrics([dict(type='PSNR'), dict(type='SSIM'), dict(type='LPIPS')])
    table = results_table(rows, 'CelebA -> Extended Yale B', expected).splitlines()
    assert table[0] == '| CelebA -> Extended Yale B | LPIPS ↓ | PSNR ↑ | SSIM ↑ |'
    assert table[2] == '| Bicubic | n/c | 19.94 | 0.457 |'
    assert table[3] == '| Ours | n/c | 22.30 | 0.550 |'
    md, js = write_results(str(tmp_path / 'out' / 'table'), rows, 'x', details={'k': 1},
                           expected=expected)
    assert json.load(open(js))['rows'] == rows and open(md).read().startswith('| x |')
    assert configured_metrics(dict(type='Evaluator', metrics=[dict(type='SSIM')])) == ['SSIM']
