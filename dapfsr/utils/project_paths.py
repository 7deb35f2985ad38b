"""Paths in configs resolve against the project, whatever folder a tool is run from.

The project's configs name files relative to the project root (``checkpoints/...``,
``configs/rain/...``, the data root ``../shared/data`` beside the clone). A relative path
that does not exist from the working directory but does from the project root is made
absolute there, so ``cd elsewhere && python ~/dapfsr/tools/test.py ...`` finds them; a path
that exists from the working directory (a user's own files) is kept. Each path value is
remembered with its config key, so an error about a missing file can name the key.
"""
import os.path as osp
import re

PROJECT_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
# keys whose values are files or folders read by a tool (ann_file is relative to data_root)
PATH_KEY = re.compile(r'(checkpoint|pretrained|weights|root|_file|_path|network|guide|load_from)$')
NOT_PATHS = ('ann_file', )

_config_keys = {}  # path as written or resolved -> its config key


def resolve_project_paths(node, prefix=''):
    """Make the project-relative paths of a config (a Config, dict / list tree) absolute, in place."""
    items = node.items() if hasattr(node, 'items') else enumerate(node) if isinstance(node, list) else ()
    for key, value in list(items):
        name = f'{prefix}.{key}' if prefix else str(key)
        if isinstance(value, (dict, list)):
            resolve_project_paths(value, name)
        elif (isinstance(value, str) and isinstance(key, str) and PATH_KEY.search(key)
              and key not in NOT_PATHS and value and not osp.isabs(value) and '://' not in value):
            _config_keys[value] = name
            if not osp.exists(value) and osp.exists(osp.join(PROJECT_ROOT, value)):
                node[key] = osp.normpath(osp.join(PROJECT_ROOT, value))
                _config_keys[node[key]] = name


def config_key_of(message):
    """The config key whose path ``message`` names (the longest match), or None."""
    found = [path for path in _config_keys if path in message]
    return _config_keys[max(found, key=len)] if found else None
