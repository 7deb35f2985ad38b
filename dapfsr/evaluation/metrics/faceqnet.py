"""FaceQnet v1 [18] in PyTorch, and the reader of its released Keras ``.h5`` file.

FaceQnet (Hernandez-Ortega et al., ICB 2019; github.com/javier-hernandezo/FaceQnet)
fine-tunes the VGGFace2 ResNet-50 of ``keras_vggface`` with a small dense
regression head into a face quality score. The network here follows
``keras_vggface.models.RESNET50`` layer by layer:

* stem: conv 7x7/2 (TF ``'same'`` padding, i.e. 2 px before and 3 px after on a
  224 input), BN, ReLU, max-pool 3x3/2 without padding: 224 -> 112 -> 55;
* stages 2..5 of Caffe-style bottlenecks (stride on the first 1x1 conv), widths
  64/128/256/512 (x4 out), 3/4/6/3 blocks: 55 -> 55 -> 28 -> 14 -> 7;
* ``avg_pool`` 7x7 -> 2048 features, then the head's dense layers.

Convolutions have no bias; Keras BN epsilon is 1e-3. The released script
(``FaceQNet_obtainscores_Keras.py``) feeds ``cv2.imread`` BGR images resized to
224x224 (bilinear) as float 0..255 without mean subtraction, and clips the output
to [0, 1]; :meth:`FaceQnet.quality` does the same from [0, 1] RGB tensors.

Keras layer names (``conv1/7x7_s2``, ``conv{s}_{b}_1x1_reduce``, ``_3x3``,
``_1x1_increase``, ``_1x1_proj``, each with a ``/bn``) map to this module's
``stem``, ``stages.{s-2}.{b-1}.{reduce,conv3x3,increase,proj}``; the head's Dense
layers, in model order, to ``head.{i}``. The head (units and activations) and the
stage layout are read from the file, not assumed.
"""
import json
import os.path as osp

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from dapfsr.utils.checkpoint import load_checkpoint_file, load_state_dict_checked

KERAS_BN_EPS = 1e-3
ACTIVATIONS = {'linear': nn.Identity, 'relu': nn.ReLU, 'sigmoid': nn.Sigmoid, 'tanh': nn.Tanh}
BN_FIELDS = {'gamma': 'weight', 'beta': 'bias', 'moving_mean': 'running_mean',
             'moving_variance': 'running_var'}
KERAS_STEM = 'conv1/7x7_s2'


def tf_same_padding(size, kernel, stride):
    """(before, after) padding of TF ``'same'``: output ``ceil(size / stride)``, extra pixel after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class ConvBN(nn.Module):
    """Conv (no bias, TF ``'same'`` padding) + BN (eps 1e-3): (N, Cin, H, W) -> (N, Cout, H/s, W/s)."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride, bias=False)
        self.bn = nn.BatchNorm2d(out_channels, eps=KERAS_BN_EPS)

    def forward(self, x):
        k, s = self.conv.kernel_size[0], self.conv.stride[0]
        if k > 1:
            top, bottom = tf_same_padding(x.shape[-2], k, s)
            left, right = tf_same_padding(x.shape[-1], k, s)
            x = F.pad(x, (left, right, top, bottom))
        return self.bn(self.conv(x))


class Bottleneck(nn.Module):
    """keras_vggface ResNet block: 1x1/s reduce, 3x3, 1x1 increase, + (projected) input, ReLU."""

    def __init__(self, in_channels, width, stride=1, project=False):
        super().__init__()
        self.reduce = ConvBN(in_channels, width, 1, stride)
        self.conv3x3 = ConvBN(width, width, 3)
        self.increase = ConvBN(width, 4 * width, 1)
        self.proj = ConvBN(in_channels, 4 * width, 1, stride) if project else None

    def forward(self, x):
        out = F.relu(self.reduce(x))
        out = F.relu(self.conv3x3(out))
        out = self.increase(out)
        return F.relu(out + (self.proj(x) if self.proj is not None else x))


class FaceQnet(nn.Module):
    """FaceQnet: (N, 3, 224, 224) BGR in [0, 255] -> (N,) raw quality score.

    Args:
        base_width (int): Width of stage 2 (64 in ResNet-50); stage s has
            ``base_width * 2**(s-2)`` channels inside, 4x that out.
        stage_blocks (tuple[int]): Blocks of stages 2..5, (3, 4, 6, 3) in ResNet-50.
        head_units (tuple[int]): Units of the head's dense layers; the last is 1.
        head_activations (tuple[str]): Their activations (``linear``, ``relu``,
            ``sigmoid``, ``tanh``). The defaults (32 ReLU, 1 linear) only serve
            direct construction; :func:`load_faceqnet` builds the head recorded
            in the converted file, which the converter reads from the ``.h5``.
    """

    def __init__(self, base_width=64, stage_blocks=(3, 4, 6, 3), head_units=(32, 1),
                 head_activations=('relu', 'linear')):
        super().__init__()
        if len(head_units) != len(head_activations) or head_units[-1] != 1:
            raise ValueError(f'head_units {head_units} must end in 1 and match '
                             f'head_activations {head_activations}')
        unknown = set(head_activations) - set(ACTIVATIONS)
        if unknown:
            raise ValueError(f'unknown head activations {sorted(unknown)}; '
                             f'known: {sorted(ACTIVATIONS)}')
        self.arch = dict(base_width=base_width, stage_blocks=tuple(stage_blocks),
                         head_units=tuple(head_units), head_activations=tuple(head_activations))
        self.stem = ConvBN(3, base_width, 7, 2)
        stages, in_channels = [], base_width
        for i, blocks in enumerate(stage_blocks):
            width = base_width * 2 ** i
            stride = 1 if i == 0 else 2
            stage = [Bottleneck(in_channels, width, stride, project=True)]
            stage += [Bottleneck(4 * width, width) for _ in range(blocks - 1)]
            stages.append(nn.Sequential(*stage))
            in_channels = 4 * width
        self.stages = nn.Sequential(*stages)
        self.head = nn.ModuleList()
        for units in head_units:
            self.head.append(nn.Linear(in_channels, units))
            in_channels = units
        self.head_activations = nn.ModuleList(ACTIVATIONS[a]() for a in head_activations)

    def features(self, x):
        """(N, 3, 224, 224) BGR 0..255 -> (N, 4 * 8 * base_width) pooled features."""
        x = F.max_pool2d(F.relu(self.stem(x)), 3, 2)
        return self.stages(x).mean(dim=(2, 3))  # avg_pool over the 7x7 map

    def forward(self, x):
        x = self.features(x)
        for dense, activation in zip(self.head, self.head_activations):
            x = activation(dense(x))
        return x[:, 0]

    @torch.no_grad()
    def quality(self, img):
        """Quality in [0, 1] of (N, C, H, W) RGB (or gray) faces in [0, 1], as the released script.

        Resized to 224x224 (bilinear, as ``cv2.resize``), to BGR 0..255, scored,
        clipped to [0, 1].
        """
        if img.shape[1] == 1:
            img = img.expand(-1, 3, -1, -1)
        img = F.interpolate(img.float(), size=(224, 224), mode='bilinear', align_corners=False)
        bgr = img.flip(1).clamp(0, 1) * 255.0
        return self(bgr).clamp(0, 1)


# --------------------------------------------------------------------------- Keras .h5


KERAS_BLOCK_SUFFIXES = {'reduce': '_1x1_reduce', 'conv3x3': '_3x3', 'increase': '_1x1_increase',
                        'proj': '_1x1_proj'}


def keras_layer_names(stage_blocks):
    """Keras names of the backbone's conv layers -> this module's ``ConvBN`` prefixes."""
    names = {KERAS_STEM: 'stem'}
    for i, blocks in enumerate(stage_blocks):
        for b in range(blocks):
            for part, suffix in KERAS_BLOCK_SUFFIXES.items():
                if part != 'proj' or b == 0:
                    names[f'conv{i + 2}_{b + 1}{suffix}'] = f'stages.{i}.{b}.{part}'
    return names


def read_keras_h5(path):
    """Weights and layer configs of a Keras 2 ``.h5`` model or weights file.

    Returns:
        tuple: ``weights`` {layer name: {field: array}} in file order (a weight
        ``conv1/7x7_s2/bn/gamma:0`` of layer ``conv1/7x7_s2/bn`` has field
        ``gamma``); and ``layers``, the (class_name, config) list of the
        ``model_config`` attribute with nested models flattened (None without it).
    """
    import h5py
    if not osp.isfile(path):
        raise FileNotFoundError(f'Keras file not found: {path}')
    weights = {}
    try:
        with h5py.File(path, 'r') as f:
            root = f['model_weights'] if 'model_weights' in f else f
            if 'layer_names' not in root.attrs:
                raise ValueError(f'{path} has no Keras layer_names attribute')
            for layer in root.attrs['layer_names']:
                layer = _text(layer)
                group = root[layer]
                names = [_text(n) for n in group.attrs.get('weight_names', [])]
                owners = {n.rsplit('/', 1)[0] for n in names}
                for name in names:
                    # A plain layer's own name beats its weights' TF scope, which TF may
                    # have made unique (`conv1/7x7_s2_1/kernel:0`); a nested model's group
                    # holds many layers, named by their weights' scopes.
                    owner = layer if len(owners) == 1 else name.rsplit('/', 1)[0]
                    field = name.rsplit('/', 1)[1].split(':')[0]
                    weights.setdefault(owner, {})[field] = group[name][()]
            config = f.attrs.get('model_config')
    except OSError as err:
        raise ValueError(f'cannot read {path} as HDF5: {err}') from err
    layers = _flatten_layers(json.loads(_text(config))) if config is not None else None
    return weights, layers


def _text(value):
    return value.decode('utf-8') if isinstance(value, bytes) else str(value)


def _flatten_layers(layer):
    """(class_name, config) of every leaf layer of a Keras model config, in order."""
    config = layer.get('config')
    children = config.get('layers') if isinstance(config, dict) else config
    if isinstance(children, list):
        return [leaf for child in children for leaf in _flatten_layers(child)]
    return [(layer['class_name'], config)]


def _head_from_config(layers, dense_names):
    """Activations of the Dense layers ``dense_names``, a following Activation layer included."""
    activations = {}
    for i, (cls, config) in enumerate(layers):
        if cls != 'Dense' or config['name'] not in dense_names:
            continue
        activation = config.get('activation', 'linear')
        following = layers[i + 1] if i + 1 < len(layers) else (None, {})
        if activation == 'linear' and following[0] == 'Activation':
            activation = following[1]['activation']
        activations[config['name']] = activation
    missing = [n for n in dense_names if n not in activations]
    if missing:
        raise ValueError(f'model_config has no Dense layer named {missing}')
    return [activations[n] for n in dense_names]


def _strip_model_prefix(weights, path):
    """Drop a nested model's name in front of the layer names, if the file has one."""
    if KERAS_STEM in weights:
        return weights
    prefixed = [k for k in weights if k.endswith('/' + KERAS_STEM)]
    if len(prefixed) != 1:
        raise ValueError(f'{path}: no {KERAS_STEM!r} layer; this is not a keras_vggface '
                         f'ResNet-50 (layers: {list(weights)[:8]}...)')
    prefix = prefixed[0][:-len(KERAS_STEM)]
    return {k[len(prefix):] if k.startswith(prefix) else k: v for k, v in weights.items()}


def faceqnet_from_keras_h5(path, head_activations=None):
    """A :class:`FaceQnet` (eval mode) with the weights of a FaceQnet Keras ``.h5`` file.

    Conv kernels (kh, kw, in, out) -> (out, in, kh, kw); Dense kernels (in, out) ->
    (out, in); BN gamma/beta/moving_mean/moving_variance -> weight/bias/
    running_mean/running_var. The stage layout comes from the layer names, the
    head from the Dense layers outside the backbone and the ``model_config``
    activations (or ``head_activations`` for a weights-only file).

    Raises:
        ValueError: an unexpected layer, a missing field or shape, naming the file.
    """
    weights, layers = read_keras_h5(path)
    weights = _strip_model_prefix(weights, path)
    if 'kernel' not in weights[KERAS_STEM]:
        raise ValueError(f'{path}: {KERAS_STEM} has no kernel')
    base_width = int(weights[KERAS_STEM]['kernel'].shape[-1])
    stage_blocks = tuple(sum(1 for k in weights if k.startswith(f'conv{s}_') and
                             k.endswith('_1x1_reduce')) for s in range(2, 6))
    if 0 in stage_blocks:
        raise ValueError(f'{path}: a ResNet stage has no blocks (blocks per stage {stage_blocks})')
    backbone = keras_layer_names(stage_blocks)
    known = set(backbone) | {name + '/bn' for name in backbone}
    dense_names = [k for k in weights if k not in known]
    odd = [k for k in dense_names if set(weights[k]) != {'kernel', 'bias'}
           or weights[k]['kernel'].ndim != 2]
    if odd:
        raise ValueError(f'{path}: layers {odd} are neither the ResNet-50 backbone nor Dense')
    if head_activations is None:
        if layers is None:
            raise ValueError(f'{path} has no model_config (a weights-only file): '
                             'give head_activations')
        head_activations = _head_from_config(layers, dense_names)
    arch = dict(base_width=base_width, stage_blocks=stage_blocks,
                head_units=tuple(int(weights[k]['kernel'].shape[1]) for k in dense_names),
                head_activations=tuple(head_activations))

    state = {}
    for keras_name, prefix in backbone.items():
        conv, bn = weights.get(keras_name, {}), weights.get(keras_name + '/bn', {})
        missing = ([] if 'kernel' in conv else ['kernel'])
        missing += [f'bn/{field}' for field in BN_FIELDS if field not in bn]
        if missing:
            raise ValueError(f'{path}: layer {keras_name} lacks {missing}')
        state[f'{prefix}.conv.weight'] = conv['kernel'].transpose(3, 2, 0, 1)
        for keras_field, torch_field in BN_FIELDS.items():
            state[f'{prefix}.bn.{torch_field}'] = bn[keras_field]
    for i, name in enumerate(dense_names):
        state[f'head.{i}.weight'] = weights[name]['kernel'].T
        state[f'head.{i}.bias'] = weights[name]['bias']
    state = {k: torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32))
             for k, v in state.items()}
    return _faceqnet_with_state(state, arch, path)


def _faceqnet_with_state(state, arch, path):
    """Build ``FaceQnet(**arch)`` and load ``state``; a clear error when they do not fit.

    Keras has no ``num_batches_tracked``: it may be absent (eval mode does not use it).
    """
    model = FaceQnet(**arch)
    load_state_dict_checked(model, state, path, allow_missing=('*num_batches_tracked', ),
                            what=f'FaceQnet({arch})')
    return model.eval().requires_grad_(False)


def load_faceqnet(path):
    """A :class:`FaceQnet` in eval mode from a converted ``.pth`` or a Keras ``.h5`` file.

    The ``.pth`` (written by ``tools/model_converters/faceqnet_keras_to_pytorch.py``)
    holds ``state_dict`` and ``meta['arch']``; a ``.h5`` is converted on the fly
    (needs h5py).
    """
    if path.endswith(('.h5', '.hdf5')):
        return faceqnet_from_keras_h5(path)
    checkpoint = load_checkpoint_file(path)
    arch = checkpoint.get('meta', {}).get('arch') if isinstance(checkpoint, dict) else None
    if arch is None or 'state_dict' not in checkpoint:
        raise ValueError(f'{path} is not a converted FaceQnet checkpoint '
                         "(needs 'state_dict' and meta['arch'])")
    return _faceqnet_with_state(checkpoint['state_dict'], arch, path)
