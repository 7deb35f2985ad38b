"""A local web page for one-shot adaptation: drop one exemplar, adapt, see the faces change.

    python tools/webui.py [CONFIG CHECKPOINT] [--host 127.0.0.1] [--port N] [--cfg-options K=V ...]

Needs the ``web`` extra (``pip install -e '.[web]'``: Gradio). Serves on 127.0.0.1 (``--host``
to change it), the first free port from 7860 unless ``--port``; offline, on the CPU. The page
offers the committed models (``dapfsr.apis.webui.WEBUI_MODELS``: DAP-FSR's default one-shot
row first, DAMMA as in the paper, MTDN and CPGAN with ASM, bicubic put upright); CONFIG and
CHECKPOINT add a model of your own as the first choice, and ``--cfg-options`` change the
first model's config (e.g. ``adaptation.outer_iters=1``). Uploads and outputs live in a
temporary folder, removed when the server stops (Ctrl+C).
"""
import argparse
import os
import os.path as osp
import sys

from mmengine.config import DictAction

from dapfsr.utils import exit_on_user_error
from dapfsr.utils.user_errors import require_file


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog='webui.py', description='A local web page for one-shot '
                                     'adaptation of a dapfsr model (the web extra: pip install -e ".[web]")')
    parser.add_argument('config', nargs='?', help='a model config of your own, offered first '
                        '(default: the committed models only, DAP-FSR\'s default one-shot row first)')
    parser.add_argument('checkpoint', nargs='?', help='its checkpoint (none for bicubic)')
    parser.add_argument('--host', default='127.0.0.1', help='address to serve on (default 127.0.0.1: '
                        'this machine only)')
    parser.add_argument('--port', type=int, help='port (default: the first free one from 7860)')
    parser.add_argument('--device', default='cpu', help='torch device (default: cpu)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, metavar='KEY=VALUE',
                        help='override settings of the first model\'s config; put it last')
    return parser.parse_args(argv)


@exit_on_user_error
def main(argv=None):
    args = parse_args(argv)
    try:
        import gradio  # noqa: F401
    except ImportError:
        sys.exit('webui.py: error: the page needs Gradio: pip install -e ".[web]" '
                 '(or pip install -r requirements/web.txt)')
    from dapfsr.apis.webui import WEBUI_MODELS, WebModel, WebUI, launch
    models = list(WEBUI_MODELS)
    if args.config:
        require_file(args.config, 'config')
        if args.checkpoint:
            require_file(args.checkpoint, 'checkpoint')
        models.insert(0, WebModel('given', f'{osp.basename(args.config)} (given)', osp.abspath(args.config),
                                  osp.abspath(args.checkpoint) if args.checkpoint else None))
    webui = WebUI(models, cfg_options=args.cfg_options, device=args.device)
    try:
        webui.source_model(webui.default_key)  # a bad config or checkpoint: a one-line error now
        launch(webui, host=args.host, port=args.port)
    except KeyboardInterrupt:
        pass
    finally:
        webui.close()


if __name__ == '__main__':
    os.environ.setdefault('GRADIO_ANALYTICS_ENABLED', 'False')
    main()
