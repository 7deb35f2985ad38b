"""Print a config as the tools see it: its bases merged, ``--cfg-options`` applied (checked).

    python tools/misc/print_config.py configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py \
        [--cfg-options adaptation.outer_iters=2] [--keys one_shot_protocol adaptation]
"""
import argparse
import sys

from mmengine.config import DictAction

from dapfsr.utils import exit_on_user_error, load_config


@exit_on_user_error
def main(argv=None):
    parser = argparse.ArgumentParser(description='Print the merged config')
    parser.add_argument('config', help='config file')
    parser.add_argument('--keys', nargs='+', help='print only these top-level keys')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value (checked against the config)')
    args = parser.parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    if args.keys:
        unknown = [k for k in args.keys if k not in cfg]
        if unknown:
            sys.exit(f'error: {args.config} has no top-level key {", ".join(unknown)}')
        from mmengine.config import Config
        cfg = Config({k: cfg[k] for k in args.keys})
    print(cfg.pretty_text)


if __name__ == '__main__':
    main()
