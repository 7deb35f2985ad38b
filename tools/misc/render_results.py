"""Render the results tables of the config READMEs and docs/results.md from the metafiles.

    python tools/misc/render_results.py            # rewrite every marked table
    python tools/misc/render_results.py --check    # exit 1 naming each document that disagrees

Each method's numbers are written once, in ``configs/<method>/metafile.yml`` (the schema:
``dapfsr/utils/metafile.py``); the tables between ``<!-- results: begin <id> -->`` and
``<!-- results: end -->`` are rendered from them, the text around them is hand-written.
"""
import argparse
import sys

from dapfsr.utils import exit_on_user_error
from dapfsr.utils.metafile import render_documents
from dapfsr.utils.project_paths import PROJECT_ROOT


@exit_on_user_error
def main(argv=None):
    parser = argparse.ArgumentParser(description='Render the results tables from the metafiles')
    parser.add_argument('--check', action='store_true',
                        help='write nothing; exit 1 if a document disagrees with the metafiles')
    parser.add_argument('--root', default=PROJECT_ROOT, help='the project folder')
    args = parser.parse_args(argv)
    changed = render_documents(args.root, write=not args.check)
    if args.check and changed:
        sys.exit('\n'.join(f'error: {path}: its results tables disagree with the metafiles; '
                           f'run tools/misc/render_results.py' for path in changed))
    for path in changed:
        print(f'rendered {path}')


if __name__ == '__main__':
    main()
