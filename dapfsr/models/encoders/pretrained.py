"""Load ImageNet weights in their publishers' key layout into a module, with clear errors."""
from dapfsr.utils import load_checkpoint_file, state_dict_from_checkpoint


def load_pretrained_weights(module, path, drop_prefixes=(), key_prefix=None):
    """Load the state dict in ``path`` into ``module`` (strict, shapes checked).

    Args:
        module (nn.Module): Target, with the publisher's parameter names
            (e.g. torchvision's ``layer1.0.conv1.weight``).
        path (str): A ``.pth`` state dict, or a checkpoint holding one.
        drop_prefixes (tuple[str]): Keys of the file to ignore, e.g. the
            classifier ``fc.`` of a backbone used without it.
        key_prefix (str, optional): Keep only the keys under this dotted prefix
            (e.g. ``features`` of torchvision's VGG-19), without it.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: The file is no checkpoint, or its keys or shapes do not
            match ``module``; the message names the file and the first offenders.
    """
    state = state_dict_from_checkpoint(load_checkpoint_file(path))
    if key_prefix is not None:
        head = key_prefix + '.'
        state = {k[len(head):]: v for k, v in state.items() if k.startswith(head)}
    state = {k: v for k, v in state.items() if not k.startswith(tuple(drop_prefixes))}
    expected = module.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    mismatched = sorted(k for k in set(expected) & set(state)
                        if tuple(state[k].shape) != tuple(expected[k].shape))
    if missing or unexpected or mismatched:
        raise ValueError(
            f'{path} does not hold weights for {type(module).__name__}: '
            f'{len(missing)} missing keys {missing[:3]}, {len(unexpected)} unexpected keys '
            f'{unexpected[:3]}, {len(mismatched)} shape mismatches {mismatched[:3]}')
    module.load_state_dict(state)
