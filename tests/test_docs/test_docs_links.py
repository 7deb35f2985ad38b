"""The repository's documents stand alone: no citation of files outside it, no dead paths.

- No tracked text file cites the out-of-repository notes on the baselines or a path under
  the shared folder beside the checkout (docs/baselines.md holds those facts now). The one
  exception is the documented default data root, ``$DAPFSR_DATA_ROOT`` = the shared
  folder's ``data`` subfolder: data sets are not shipped with the code.
- In README.md, docs/*.md and configs/*/README.md, every relative link and every named
  repository path (``configs/``, ``docs/``, ``tools/``, ``dapfsr/``, ``checkpoints/``,
  ``tests/``, in backticks or plain text) exists (``{a,b}`` is expanded, ``*`` must match some
  file; ``<...>``, ``CONFIG``, ``CKPT``, ``WORK_DIR`` and ``...`` are placeholders and not
  checked; files a reader provides are listed in ``USER_PROVIDED``); a config README's bare
  config names (```name.py```, ```_suffix.py```) name files of that folder (or of configs/);
  anchors into Markdown files exist.
- The same for the repository paths that the configs (configs/**/*.py: comments and strings)
  name.
"""
import fnmatch
import glob
import os
import os.path as osp
import re
import subprocess

import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TEXT_SUFFIXES = ('.py', '.md', '.yml', '.yaml', '.txt', '.cfg', '.toml', '.sh')
# Built from pieces so that this file does not match itself.
OUTSIDE = re.compile('|'.join([
    re.escape('BASELINES' + '.md'),
    re.escape('/work' + '/shared'),
    re.escape('..' + '/shared') + r'(?!/data\b)',
    re.escape('..' + '\\shared'),
]))
REPO_PATH = re.compile(r'(?<![\w./\\$-])((?:configs|docs|tools|dapfsr|checkpoints|tests)/'
                       r'[\w.\-/{},*<>+]*[\w/*}])')
LINK = re.compile(r'(?<!!)\[[^\]]*\]\(([^()\s]+)\)')
INLINE_CODE = re.compile(r'`([^`\n]+)`')
DOC_ANCHOR = re.compile(r'(?<![\w./-])(docs/[\w.-]+\.md)#([\w-]+)')
PLACEHOLDERS = ('<', 'CONFIG', 'CKPT', 'WORK_DIR', '...')
# Files a document tells the reader to write (a tutorial's example), so not in the repository.
TO_BE_WRITTEN = {'configs/dapfsr/dapfsr_small_17k_celeba-hq2my-faces_damma-3x15.py'}
# Weights the reader provides (downloads, converts or trains elsewhere): the paper profile's
# and the weightless rows' files, named by configs and docs but not shipped.
USER_PROVIDED = {
    'checkpoints/resnet50-0676ba61.pth',  # torchvision's ImageNet ResNet-50 (paper encoder)
    'checkpoints/vgg19-dcbb9e9d.pth',  # torchvision's ImageNet VGG-19 (paper losses, RAIN)
    'checkpoints/stylegan2_celeba128.pth',  # the paper profile's decoder, trained on a GPU
    'checkpoints/stylegan2_multipie128.pth',  # the same on Multi-PIE
    'checkpoints/rain_paper_celeba.pth',  # the paper profile's RAIN (configs/rain/README.md)
    'checkpoints/FaceQnet_v1.pth',  # FIQ's weights, converted from FaceQnet's Keras release
    'checkpoints/adain',  # pytorch-AdaIN's released weights (Table 3's AdaIN rows):
    'checkpoints/adain/decoder.pth',
    'checkpoints/adain/vgg_normalised.pth',
}


@pytest.fixture(autouse=True)
def _dapfsr_scope():
    """Text checks only: overrides conftest's registry set-up (importing torch takes seconds)."""


def tracked_text_files():
    try:
        out = subprocess.run(['git', 'ls-files', '-z'], cwd=REPO_ROOT, capture_output=True,
                             check=True).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip('not a git checkout')
    return [p for p in out.split('\0')
            if p and (p.endswith(TEXT_SUFFIXES) or osp.basename(p) == 'Makefile')]


def documents():
    """The Markdown files whose paths are checked, relative to the repository root."""
    paths = ['README.md'] + sorted(glob.glob('docs/*.md', root_dir=REPO_ROOT)) + sorted(
        glob.glob('configs/*/README.md', root_dir=REPO_ROOT))
    return [p for p in paths if osp.isfile(osp.join(REPO_ROOT, p))]


def read(path):
    with open(osp.join(REPO_ROOT, path), encoding='utf-8') as f:
        return f.read()


def outside_references(text):
    """(line number, line) of each citation of a file outside the repository."""
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1)
            if OUTSIDE.search(line)]


def expand_braces(pattern):
    """'a_{b,c}-{d,e}.py' -> the four names (no nesting); a brace left open (its list goes on
    past a space or a line end) gives its first option."""
    match = re.search(r'\{([^{}]*)\}', pattern)
    if not match:
        return [pattern.replace('{', '')]
    return [name for option in match.group(1).split(',')
            for name in expand_braces(pattern[:match.start()] + option + pattern[match.end():])]


def heading_anchors(text):
    """GitHub's anchors of a Markdown text's headings (outside code fences)."""
    anchors, seen, fenced = set(), {}, False
    for line in text.splitlines():
        if line.lstrip().startswith('```'):
            fenced = not fenced
        match = None if fenced else re.match(r'#{1,6}\s+(.*?)\s*#*\s*$', line)
        if match:
            title = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', match.group(1)).replace('`', '')
            slug = re.sub(r'[^\w\- ]', '', title.strip().lower()).replace(' ', '-')
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            anchors.add(slug if count == 0 else f'{slug}-{count}')
    return anchors


def missing_anchor(target_path, anchor, read_text=read):
    if not target_path.endswith('.md') or not osp.isfile(osp.join(REPO_ROOT, target_path)):
        return False
    return anchor.lower() not in heading_anchors(read_text(target_path))


def _exists_pattern(pattern):
    if '*' in pattern:
        return bool(glob.glob(pattern, root_dir=REPO_ROOT))
    return osp.exists(osp.join(REPO_ROOT, pattern))


def dead_paths(path, text, read_text=read):
    """Problems of one document: dead relative links and repository paths, missing anchors."""
    problems = []
    folder = osp.dirname(path)
    for target in LINK.findall(text):
        if re.match(r'[a-z][a-z0-9+.-]*:', target, re.I):
            continue  # http:, https:, mailto:
        file_part, _, anchor = target.partition('#')
        target_path = osp.normpath(osp.join(folder, file_part)) if file_part else path
        if file_part and not osp.exists(osp.join(REPO_ROOT, target_path)):
            problems.append(f'link to a missing file: ({target})')
        elif anchor and missing_anchor(target_path, anchor, read_text):
            problems.append(f'link to a missing heading: ({target})')
    problems += dead_repository_paths(text)
    if re.fullmatch(r'configs/[^/]+/README\.md', path):
        problems += dead_config_names(folder, text)
    return problems


def dead_repository_paths(text):
    """The repository paths that ``text`` names and that do not exist."""
    problems = []
    for name in REPO_PATH.findall(text):
        if any(p in name for p in PLACEHOLDERS):
            continue
        for candidate in expand_braces(name):
            candidate = candidate.rstrip('/')
            if candidate not in TO_BE_WRITTEN | USER_PROVIDED and not _exists_pattern(candidate):
                problems.append(f'missing repository path: {candidate}')
    return problems


def config_files():
    return sorted(glob.glob('configs/**/*.py', root_dir=REPO_ROOT, recursive=True))


def dead_config_names(folder, text):
    """Bare config names in a config README: ``name.py`` a file of its folder or of configs/,
    ``_suffix.py`` / ``...suffix.py`` the end of one of its folder's (or configs/'s) names."""
    problems = []
    here = [osp.basename(p) for p in glob.glob(f'{folder}/*.py', root_dir=REPO_ROOT)]
    everywhere = [osp.basename(p)
                  for p in glob.glob('configs/**/*.py', root_dir=REPO_ROOT, recursive=True)]
    for code in INLINE_CODE.findall(text):
        if not re.fullmatch(r'[\w.\-{},*<>+]+\.py', code) or '<' in code:
            continue
        for name in expand_braces(code):
            if name.startswith(('_', '.')):
                suffix = name.lstrip('.')
                found = any(n.endswith(suffix) for n in here + everywhere)
            elif '*' in name:
                found = any(fnmatch.fnmatch(n, name) for n in here + everywhere)
            else:
                found = name in here or name in everywhere
            if not found:
                problems.append(f'config README names a missing file: `{name}`')
    return problems


def dead_doc_anchors(text, read_text=read):
    """``docs/<name>.md#<anchor>`` mentions (docstrings, comments) whose heading does not exist."""
    return [f'{doc}#{anchor}' for doc, anchor in DOC_ANCHOR.findall(text)
            if not osp.isfile(osp.join(REPO_ROOT, doc)) or missing_anchor(doc, anchor, read_text)]


def test_no_tracked_file_cites_files_outside_the_repository():
    problems = [f'{path}:{n}: {line}' for path in tracked_text_files()
                for n, line in outside_references(read(path))]
    assert not problems, 'citations of files outside the repository:\n' + '\n'.join(problems)


def test_documents_name_only_existing_files_and_headings():
    problems = [f'{path}: {p}' for path in documents() for p in dead_paths(path, read(path))]
    assert not problems, '\n'.join(problems)


def test_configs_name_only_existing_files():
    problems = [f'{path}: {p}' for path in config_files() for p in dead_repository_paths(read(path))]
    assert not problems, '\n'.join(problems)


def test_doc_anchors_cited_in_code_and_documents_exist():
    problems = [f'{path}: {p}'
                for path in tracked_text_files() for p in dead_doc_anchors(read(path))]
    assert not problems, 'citations of missing headings:\n' + '\n'.join(problems)


def test_the_checks_catch_what_they_are_for():
    notes, shared = 'BASELINES' + '.md', '..' + '/shared'
    assert outside_references(f'facts: `{shared}/{notes}` (MTDN)')
    assert outside_references(f'facts: `{shared}/notes.txt`')
    assert outside_references(f'# see {notes}: MTDN generator')
    assert outside_references('facts: `/work' + '/shared/x.md`')
    assert not outside_references("data_root='{{$DAPFSR_DATA_ROOT:../shared/data}}/celeba'")
    assert not outside_references('see docs/baselines.md#mtdn')
    assert dead_paths('configs/dapfsr/README.md', '| degraded LR (`_degraded_test.py`) |')
    assert not dead_paths('configs/dapfsr/README.md', '| degraded LR (`_degraded-test.py`) |')
    assert dead_paths('README.md', 'run `python tools/no_such_tool.py configs/x/y.py`')
    assert dead_paths('docs/results.md', 'see [the notes](no_such_file.md)')
    assert dead_paths('docs/results.md', 'see [MTDN](baselines.md#no-such-heading)')
    assert not dead_paths('docs/results.md', 'see [MTDN](baselines.md#mtdn-generator)')
    assert not dead_paths(
        'README.md', '`configs/dapfsr/dapfsr_{paper_100k_celeba,small_17k_celeba-hq}2yaleb.py`')
    assert dead_paths('README.md', '`configs/dapfsr/dapfsr_{paper_100k_celeba,small_1k}2yaleb.py`')
    assert not dead_paths(
        'README.md', '`tools/train.py CONFIG`, `configs/<method>/<name>.py`, `configs/*/README.md`')
    assert dead_paths('README.md', 'weights: checkpoints/no_such_model.pth, see tests/no_such/')
    assert dead_paths('docs/results.md', 'the code is `dapfsr/models/no_such_editor.py`')
    assert dead_repository_paths("# Needs checkpoints/{no_such.pth, vgg19-dcbb9e9d.pth,")
    assert dead_repository_paths("load_from = 'checkpoints/no_such.pth'  # configs/no_such/")
    assert not dead_repository_paths(
        "# checkpoints/vgg19-dcbb9e9d.pth (torchvision's), checkpoints/adain/, dapfsr/utils/, "
        "tests/test_docs/, CKPT, WORK_DIR/iter_1.pth, work_dirs/x/configs/none.py, "
        "$DAPFSR_DATA_ROOT/configs/none, ../../docs/none.md, checkpoints/<name>.pth.")
    assert dead_doc_anchors('(docs/baselines.md' + '#no-such-heading)')
    assert not dead_doc_anchors('(docs/baselines.md#asm-loop)')
    assert heading_anchors('## The LR protocol (sec. 5.2, "following MTDN")\n## A\n## A') == {
        'the-lr-protocol-sec-52-following-mtdn', 'a', 'a-1'}
