"""tools/misc/render_results.py and dapfsr/utils/metafile.py: each method's results are written
once, in configs/<method>/metafile.yml, and the tables of the config READMEs and
docs/results.md are rendered from them (run as children of the session's tests/conftest.py
process, fixture ``tool_runner``)."""
import os.path as osp
import shutil

import pytest

from dapfsr.utils.metafile import load_metafile, load_models, render_documents
from dapfsr.utils.user_errors import InputError

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
MTDN_META = 'configs/mtdn/metafile.yml'
MTDN_YALEB = 'Metrics: {PSNR: 19.91, SSIM: 0.510, IDSim: 0.347}'


@pytest.fixture(autouse=True)
def _dapfsr_scope():
    """Text and YAML only: overrides conftest's registry set-up."""


@pytest.fixture
def project_copy(tmp_path):
    """The metafiles, the documents with marked tables and the files the metafiles name."""
    for folder in ('configs', 'docs'):
        shutil.copytree(osp.join(REPO_ROOT, folder), tmp_path / folder,
                        ignore=shutil.ignore_patterns('__pycache__', 'images'))
    shutil.copy(osp.join(REPO_ROOT, 'README.md'), tmp_path / 'README.md')
    return tmp_path


def test_committed_documents_agree_with_the_metafiles(tool_runner):
    assert render_documents(REPO_ROOT, write=False) == []
    result = tool_runner.run(['misc/render_results.py', '--check'])
    assert result['status'] == 0, result['stderr']


def test_every_method_and_row_is_written_once():
    models = load_models(REPO_ROOT)  # refuses a model name written in two metafiles
    assert {m['In Collection'] for m in models.values()} == {
        'Bicubic', 'PULSE', 'MTDN', 'CPGAN', 'DAP-FSR'}
    for model in models.values():
        keys = [(r['Dataset'], r['Variant'], tuple(r.get('Seeds', ())), r['Faces'],
                 r.get('Config', model['Config'])) for r in model['Results']]
        assert len(keys) == len(set(keys)), model['Name']


def test_a_changed_number_reaches_the_readme_and_docs_results(project_copy, tool_runner):
    meta = project_copy / MTDN_META
    meta.write_text(meta.read_text().replace(MTDN_YALEB, 'Metrics: {PSNR: 23.45, SSIM: 0.678, '
                                                         'IDSim: 0.901}'))
    check = tool_runner.run(['misc/render_results.py', '--check', '--root', str(project_copy)])
    assert check['status'] == 1
    assert 'error: configs/mtdn/README.md: its results tables disagree' in check['stderr']
    assert 'error: docs/results.md: its results tables disagree' in check['stderr']
    readme_before = (project_copy / 'configs/cpgan/README.md').read_text()
    result = tool_runner.run(['misc/render_results.py', '--root', str(project_copy)])
    assert result['status'] == 0, result['stderr']
    assert 'rendered configs/mtdn/README.md' in result['stdout']
    for doc in ('configs/mtdn/README.md', 'docs/results.md'):
        text = (project_copy / doc).read_text()
        assert '23.45 / 0.678 / 0.901' in text and '19.91 / 0.510 / 0.347' not in text, doc
    results = (project_copy / 'docs/results.md').read_text()
    assert '| MTDN | 23.45 / 0.678 / 0.901 | 21.56 / 0.651 / 0.433 |' in results
    assert (project_copy / 'configs/cpgan/README.md').read_text() == readme_before
    again = tool_runner.run(['misc/render_results.py', '--check', '--root', str(project_copy)])
    assert again['status'] == 0, again['stderr']


def test_prose_outside_the_markers_stays_as_written(project_copy):
    readme = project_copy / 'configs/mtdn/README.md'
    text = readme.read_text()
    begin = text.index('<!-- results: begin method:mtdn')
    end = text.index('<!-- results: end -->')
    readme.write_text(text[:begin] + 'hand-written 12.34\n' + text[begin:end].replace(
        '19.91', '11.11') + text[end:])
    assert render_documents(str(project_copy)) == ['configs/mtdn/README.md']
    rendered = readme.read_text()
    assert 'hand-written 12.34' in rendered and '11.11' not in rendered
    assert rendered.replace('hand-written 12.34\n', '') == text


@pytest.mark.parametrize('old, new, message', [
    (MTDN_YALEB, 'Metrics: {PSNR: high, SSIM: 0.510}',
     "configs/mtdn/metafile.yml: Models[0] (MTDN).Results[0].Metrics.PSNR: 'high' is not a "
     'number'),
    ('Variant: refined', 'Variant: sharpened',
     "configs/mtdn/metafile.yml: Models[0] (MTDN).Results[1].Variant: 'sharpened' is not one "
     'of as drawn, refined'),
    ('        Date: 2026-12-02\n', '        Dated: 2026-12-02\n',
     "configs/mtdn/metafile.yml: Models[0] (MTDN).Results[0]: unknown key 'Dated'"),
    ('Config: configs/mtdn/mtdn_small_2k_celeba-hq2yaleb.py',
     'Config: configs/mtdn/mtdn_small_2k_celeba-hq2nowhere.py',
     'configs/mtdn/metafile.yml: Models[0] (MTDN).Config: no such file: '
     'configs/mtdn/mtdn_small_2k_celeba-hq2nowhere.py'),
    ('Per seed PSNR: [19.90, 19.89, 19.95]', 'Per seed PSNR: [19.90, 19.89]',
     'configs/mtdn/metafile.yml: Models[0] (MTDN).Results[0].Per seed PSNR: 2 values for 3 '
     'seeds'),
    ('Models:', 'Models: [\n', 'configs/mtdn/metafile.yml: line'),
])
def test_a_bad_metafile_is_refused_in_one_line_naming_file_and_key(project_copy, tool_runner,
                                                                    old, new, message):
    meta = project_copy / MTDN_META
    text = meta.read_text()
    assert text.count(old) >= 1, old
    meta.write_text(text.replace(old, new, 1))
    with pytest.raises(InputError) as err:
        load_metafile(MTDN_META, str(project_copy))
    assert str(err.value).startswith(message) and '\n' not in str(err.value)
    result = tool_runner.run(['misc/render_results.py', '--check', '--root', str(project_copy)])
    assert result['status'] == 1
    assert result['stderr'].strip().startswith(f'error: {message}')
    assert len(result['stderr'].strip().splitlines()) == 1


def test_a_table_naming_a_missing_metafile_or_layout_is_refused(project_copy):
    doc = project_copy / 'docs/results.md'
    doc.write_text(doc.read_text() + '\n<!-- results: begin method:nosuch -->\n'
                   '<!-- results: end -->\n')
    with pytest.raises(InputError, match=r'^docs/results.md: table method:nosuch: no such '
                                         r'metafile: configs/nosuch/metafile.yml$'):
        render_documents(str(project_copy), write=False)
    doc.write_text(doc.read_text().replace('method:nosuch', 'nosuch-table'))
    with pytest.raises(InputError, match=r"^docs/results.md: unknown table 'nosuch-table'"):
        render_documents(str(project_copy), write=False)
