import importlib.util
import json
import os.path as osp

import numpy as np
import pytest
import torch

from dapfsr.evaluation.metrics.faceqnet import (FaceQnet, faceqnet_from_keras_h5,
                                                keras_layer_names, load_faceqnet,
                                                tf_same_padding)
from dapfsr.registry import METRICS


@pytest.fixture(scope='module', autouse=True)
def h5py(require_module):
    """Every test here needs h5py (skipped, or failed in CI, without it)."""
    return require_module('h5py', 'FaceQnet\'s Keras file is HDF5 (requirements.txt)')


REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TINY = dict(base_width=2, stage_blocks=(2, 1, 1, 1))


def load_converter():
    path = osp.join(REPO, 'tools', 'model_converters', 'faceqnet_keras_to_pytorch.py')
    spec = importlib.util.spec_from_file_location('faceqnet_keras_to_pytorch', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def keras_weights(base_width, stage_blocks, head_units, seed=0):
    """{keras layer name: {field: array}} of a keras_vggface ResNet-50 + dense head, random."""
    rng = np.random.default_rng(seed)
    weights, in_channels = {}, 3

    def conv_bn(name, cin, cout, k):
        weights[name] = {'kernel': rng.normal(size=(k, k, cin, cout)).astype(np.float32) * 0.3}
        weights[name + '/bn'] = {
            'gamma': rng.uniform(0.5, 1.5, cout).astype(np.float32),
            'beta': rng.normal(size=cout).astype(np.float32) * 0.1,
            'moving_mean': rng.normal(size=cout).astype(np.float32) * 0.1,
            'moving_variance': rng.uniform(0.5, 2.0, cout).astype(np.float32)}

    conv_bn('conv1/7x7_s2', 3, base_width, 7)
    in_channels = base_width
    for i, blocks in enumerate(stage_blocks):
        width = base_width * 2 ** i
        for b in range(blocks):
            name = f'conv{i + 2}_{b + 1}'
            conv_bn(name + '_1x1_reduce', in_channels, width, 1)
            conv_bn(name + '_3x3', width, width, 3)
            conv_bn(name + '_1x1_increase', width, 4 * width, 1)
            if b == 0:
                conv_bn(name + '_1x1_proj', in_channels, 4 * width, 1)
            in_channels = 4 * width
    for j, units in enumerate(head_units):
        weights[f'dense_{j + 1}'] = {'kernel': rng.normal(size=(in_channels, units)).astype(np.float32),
                                     'bias': rng.normal(size=units).astype(np.float32)}
        in_channels = units
    return weights


def write_keras_h5(path, weights, head_config, nested=True, with_config=True, scope_suffix=''):
    """A file as Keras 2 ``model.save`` writes it: model_weights/<layer>/<weight name>.

    ``nested``: the backbone is one layer (a Model inside the Model), as when FaceQnet is
    built on ``VGGFace(include_top=False)``; its group then holds all backbone weights.
    ``scope_suffix``: appended to each weight's TF name scope, as TF does when a scope
    name was taken (``dense_1_1/kernel:0``).
    """
    backbone = [k for k in weights if not k.startswith('dense_')]
    groups = ([('vggface_resnet50', backbone)] if nested else [(k, [k]) for k in backbone])
    groups = [('input_1', [])] + groups + [('flatten_1', [])]
    groups += [(k, [k]) for k in weights if k.startswith('dense_')]
    import h5py  # the autouse fixture h5py has checked it is there
    with h5py.File(path, 'w') as f:
        f.attrs['keras_version'] = b'2.2.4'
        f.attrs['backend'] = b'tensorflow'
        if with_config:
            leaves = [{'class_name': 'Conv2D', 'config': {'name': k}} for k in backbone]
            body = ([{'class_name': 'Model', 'config': {'name': 'vggface_resnet50', 'layers': leaves}}]
                    if nested else leaves)
            config = {'class_name': 'Model', 'config': {'name': 'model_1',
                                                        'layers': body + head_config}}
            f.attrs['model_config'] = json.dumps(config).encode()
        root = f.create_group('model_weights')
        root.attrs['layer_names'] = [name.encode() for name, _ in groups]
        for name, owners in groups:
            group = root.create_group(name)
            names = [f'{owner}{scope_suffix}/{field}:0' for owner in owners for field in weights[owner]]
            group.attrs['weight_names'] = [n.encode() for n in names]
            values = [value for owner in owners for value in weights[owner].values()]
            for name, value in zip(names, values):
                group.create_dataset(name, data=value)


def keras_forward(weights, stage_blocks, head_units, activations, bgr):
    """The Keras network of ``weights`` (keras_vggface's ResNet-50 + FaceQnet's dense head)
    written out in numpy from the Keras layer semantics, without the converter or our
    network: (224, 224, 3) BGR 0..255 -> (units,). TF 'same' convolutions (the extra padding
    pixel after), BN with eps 1e-3, max pool 3x3/2 'valid', the stride on the first 1x1 conv
    of a stage, average pool over the 7x7 map, Dense = x @ kernel + bias."""
    from numpy.lib.stride_tricks import sliding_window_view

    def conv(x, name, stride=1):
        kernel = weights[name]['kernel'].astype(np.float64)
        k, size = kernel.shape[0], x.shape[0]
        out = -(-size // stride)
        total = max((out - 1) * stride + k - size, 0)
        x = np.pad(x, ((total // 2, total - total // 2), (total // 2, total - total // 2), (0, 0)))
        windows = sliding_window_view(x, (k, k), axis=(0, 1))[::stride, ::stride][:out, :out]
        y = np.einsum('yxcij,ijco->yxo', windows, kernel)
        p = {f: v.astype(np.float64) for f, v in weights[name + '/bn'].items()}
        return p['gamma'] * (y - p['moving_mean']) / np.sqrt(p['moving_variance'] + 1e-3) + p['beta']

    def relu(x):
        return np.maximum(x, 0)

    x = relu(conv(bgr.astype(np.float64), 'conv1/7x7_s2', 2))
    x = sliding_window_view(x, (3, 3), axis=(0, 1))[::2, ::2].max(axis=(3, 4))
    for i, blocks in enumerate(stage_blocks):
        for b in range(blocks):
            name, stride = f'conv{i + 2}_{b + 1}', 2 if i > 0 and b == 0 else 1
            y = relu(conv(x, name + '_1x1_reduce', stride))
            y = relu(conv(y, name + '_3x3'))
            y = conv(y, name + '_1x1_increase')
            x = relu(y + (conv(x, name + '_1x1_proj', stride) if b == 0 else x))
    assert x.shape[:2] == (7, 7)
    x = x.mean(axis=(0, 1))
    for j, activation in enumerate(activations):
        x = x @ weights[f'dense_{j + 1}']['kernel'] + weights[f'dense_{j + 1}']['bias']
        x = relu(x) if activation == 'relu' else x
    return x


def keras_quality(weights, face):
    """FaceQnet's released script on a (3, H, W) RGB face in [0, 1], in numpy and OpenCV:
    BGR 0..255, cv2.resize to 224x224 (bilinear), the network, clipped to [0, 1]."""
    import cv2
    bgr = face.permute(1, 2, 0).numpy()[..., ::-1] * 255.0
    bgr = cv2.resize(np.ascontiguousarray(bgr), (224, 224), interpolation=cv2.INTER_LINEAR)
    return float(np.clip(keras_forward(weights, TINY['stage_blocks'], (3, 1), ('relu', 'linear'),
                                       bgr)[0], 0, 1))


HEAD_CONFIG = [{'class_name': 'Flatten', 'config': {'name': 'flatten_1'}},
               {'class_name': 'Dense', 'config': {'name': 'dense_1', 'units': 3, 'activation': 'relu'}},
               {'class_name': 'Dropout', 'config': {'name': 'dropout_1', 'rate': 0.5}},
               {'class_name': 'Dense', 'config': {'name': 'dense_2', 'units': 1, 'activation': 'linear'}}]


@pytest.fixture
def tiny_h5(tmp_path):
    weights = keras_weights(head_units=(3, 1), **TINY)
    # the last layer scaled so that real faces score inside (0, 1) (about 0.35 here; random
    # weights score them ~1400, which the clipping to [0, 1] would turn into 1 whatever the
    # input, e.g. RGB for BGR)
    weights['dense_2']['kernel'] /= 4000
    weights['dense_2']['bias'][:] = 0
    path = tmp_path / 'FaceQnet_tiny.h5'
    write_keras_h5(path, weights, HEAD_CONFIG)
    return str(path), weights


def test_tf_same_padding_and_the_resnet50_geometry():
    assert tf_same_padding(224, 7, 2) == (2, 3)  # 112 outputs: the extra pixel goes after
    assert tf_same_padding(225, 7, 2) == (3, 3)
    assert tf_same_padding(55, 3, 1) == (1, 1)
    net = FaceQnet(base_width=2).eval()
    sizes = []
    for module in [net.stem, *net.stages]:
        module.register_forward_hook(lambda m, i, o: sizes.append(tuple(o.shape[-2:])))
    with torch.no_grad():
        net(torch.rand(1, 3, 224, 224) * 255)
    assert sizes == [(112, 112), (55, 55), (28, 28), (14, 14), (7, 7)]


def test_stem_matches_a_keras_same_convolution_by_hand():
    """The stem conv equals a TF 'same' cross-correlation written out in numpy."""
    rng = np.random.default_rng(1)
    kernel = rng.normal(size=(7, 7, 3, 2)).astype(np.float32)  # Keras (kh, kw, in, out)
    image = rng.normal(size=(10, 10, 3)).astype(np.float32)  # NHWC without N
    padded = np.pad(image, ((2, 3), (2, 3), (0, 0)))  # TF 'same' for 10 px, k7, s2
    expected = np.stack([[np.einsum('hwc,hwco->o', padded[2 * y:2 * y + 7, 2 * x:2 * x + 7], kernel)
                          for x in range(5)] for y in range(5)])
    net = FaceQnet(base_width=2).eval()
    net.stem.conv.weight.data = torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy())
    with torch.no_grad():
        out = net.stem.conv(torch.nn.functional.pad(torch.from_numpy(image).permute(2, 0, 1)[None],
                                                    (2, 3, 2, 3)))
    assert np.allclose(out[0].permute(1, 2, 0).numpy(), expected, atol=1e-4)


def test_keras_names_cover_every_resnet50_layer():
    names = keras_layer_names((3, 4, 6, 3))
    assert len(names) == 1 + 16 * 3 + 4  # stem, 16 blocks of 3 convs, 4 projections
    net = FaceQnet()
    convs = {k[:-len('.conv.weight')] for k in net.state_dict() if k.endswith('.conv.weight')}
    assert convs == set(names.values())
    assert names['conv4_6_1x1_increase'] == 'stages.2.5.increase'
    assert sum(p.numel() for n, p in net.named_parameters() if not n.startswith('head')) == 23508032


def test_converted_tensors_land_transposed_in_place(tiny_h5):
    path, weights = tiny_h5
    model = faceqnet_from_keras_h5(path)
    assert model.arch == dict(TINY, head_units=(3, 1), head_activations=('relu', 'linear'))
    state = model.state_dict()
    kernel = weights['conv1/7x7_s2']['kernel']  # (kh, kw, in, out)
    assert state['stem.conv.weight'][1, 2, 3, 4] == float(kernel[3, 4, 2, 1])
    assert np.array_equal(state['stem.conv.weight'].numpy(), kernel.transpose(3, 2, 0, 1))
    assert np.array_equal(state['stages.0.1.conv3x3.conv.weight'].numpy(),
                          weights['conv2_2_3x3']['kernel'].transpose(3, 2, 0, 1))
    assert np.array_equal(state['stages.1.0.proj.conv.weight'].numpy(),
                          weights['conv3_1_1x1_proj']['kernel'].transpose(3, 2, 0, 1))
    bn = weights['conv5_1_1x1_increase/bn']
    for torch_field, keras_field in [('weight', 'gamma'), ('bias', 'beta'),
                                     ('running_mean', 'moving_mean'), ('running_var', 'moving_variance')]:
        assert np.array_equal(state[f'stages.3.0.increase.bn.{torch_field}'].numpy(), bn[keras_field])
    dense = weights['dense_1']['kernel']  # (in, out)
    assert state['head.0.weight'].shape == (3, 64)
    assert state['head.0.weight'][2, 17] == float(dense[17, 2])
    assert np.array_equal(state['head.1.bias'].numpy(), weights['dense_2']['bias'])
    assert model.stem.bn.eps == 1e-3


def test_converted_network_is_the_keras_network(tiny_h5):
    """The converted network against the Keras network written out in numpy from the Keras
    weights (:func:`keras_forward`), on random BGR 0..255 inputs."""
    path, weights = tiny_h5
    model = faceqnet_from_keras_h5(path).eval()
    raw = torch.rand(2, 3, 224, 224, generator=torch.Generator().manual_seed(0)) * 255
    with torch.no_grad():
        ours = model(raw).numpy()
    expected = [keras_forward(weights, TINY['stage_blocks'], (3, 1), ('relu', 'linear'),
                              img.permute(1, 2, 0).numpy())[0] for img in raw]
    assert np.allclose(ours, expected, rtol=1e-4, atol=1e-4 * np.abs(expected).max()), (ours, expected)
    assert abs(expected[0] - expected[1]) > 1e-3 * abs(expected[0])  # inputs that matter


def test_converter_round_trip_and_fiq(tiny_h5, tmp_path, faces):
    path, weights = tiny_h5
    dst = tmp_path / 'faceqnet_tiny.pth'
    load_converter().main([path, str(dst)])
    checkpoint = torch.load(dst, weights_only=True)
    assert checkpoint['meta']['arch']['stage_blocks'] == (2, 1, 1, 1)
    from_h5, from_pth = faceqnet_from_keras_h5(path), load_faceqnet(str(dst))
    batch = torch.stack(faces[:2])
    raw = torch.rand(2, 3, 224, 224) * 255
    with torch.no_grad():
        assert torch.equal(from_h5(raw), from_pth(raw))
    quality = from_pth.quality(batch)
    assert quality.shape == (2,) and bool(((quality >= 0) & (quality <= 1)).all())
    # the score of the released script: the BGR 0..255 face resized to 224, the Keras
    # network, clipped (computed in numpy and OpenCV)
    expected = [keras_quality(weights, face) for face in faces[:2]]
    assert all(0.05 < e < 0.95 for e in expected), expected  # not clipped: the score shows
    assert np.allclose(quality.numpy(), expected, atol=1e-4), (quality, expected)

    metric = METRICS.build(dict(type='FIQ', checkpoint=str(dst)))
    metric.process({}, [dict(pred_img=faces[0]), dict(pred_img=faces[1])])  # no gt needed
    assert metric.evaluate(2) == {'FIQ': pytest.approx(quality.mean().item(), abs=1e-6)}


def test_a_flat_model_with_an_activation_layer_and_renamed_scopes(tmp_path):
    """A flat (not nested) model, TF-uniquified weight scopes, an Activation after the last Dense."""
    weights = keras_weights(head_units=(4, 1), **TINY)
    head = [{'class_name': 'Dense', 'config': {'name': 'dense_1', 'units': 4, 'activation': 'tanh'}},
            {'class_name': 'Dense', 'config': {'name': 'dense_2', 'units': 1, 'activation': 'linear'}},
            {'class_name': 'Activation', 'config': {'name': 'activation_50', 'activation': 'sigmoid'}}]
    path = tmp_path / 'flat.h5'
    write_keras_h5(path, weights, head, nested=False, scope_suffix='_1')
    model = faceqnet_from_keras_h5(str(path))
    assert model.arch['head_activations'] == ('tanh', 'sigmoid')
    assert np.array_equal(model.state_dict()['stages.0.1.increase.bn.running_mean'].numpy(),
                          weights['conv2_2_1x1_increase/bn']['moving_mean'])
    assert isinstance(model.head_activations[1], torch.nn.Sigmoid)


def test_weights_only_files_need_the_head_activations(tmp_path):
    weights = keras_weights(head_units=(3, 1), **TINY)
    path = tmp_path / 'weights_only.h5'
    write_keras_h5(path, weights, HEAD_CONFIG, with_config=False)
    with pytest.raises(ValueError, match='weights_only.h5 has no model_config'):
        faceqnet_from_keras_h5(str(path))
    model = faceqnet_from_keras_h5(str(path), head_activations=('relu', 'linear'))
    assert model.arch['head_units'] == (3, 1)


def test_unexpected_layers_and_missing_files_are_clear_errors(tmp_path):
    weights = keras_weights(head_units=(3, 1), **TINY)
    weights['head_bn'] = {'gamma': np.ones(3, np.float32), 'beta': np.zeros(3, np.float32)}
    path = tmp_path / 'odd.h5'
    write_keras_h5(path, weights, HEAD_CONFIG)
    with pytest.raises(ValueError, match=r"odd.h5: layers \['head_bn'\]"):
        faceqnet_from_keras_h5(str(path))
    with pytest.raises(FileNotFoundError, match='missing.h5'):
        faceqnet_from_keras_h5(str(tmp_path / 'missing.h5'))
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        METRICS.build(dict(type='FIQ', checkpoint=str(tmp_path / 'missing.pth')))
    torch.save({'state_dict': {}}, tmp_path / 'plain.pth')
    with pytest.raises(ValueError, match='plain.pth is not a converted FaceQnet'):
        load_faceqnet(str(tmp_path / 'plain.pth'))


def test_a_converted_file_of_another_architecture_names_the_file(tiny_h5, tmp_path):
    path, _ = tiny_h5
    dst = tmp_path / 'faceqnet_tiny.pth'
    load_converter().main([path, str(dst)])
    checkpoint = torch.load(dst, weights_only=True)
    checkpoint['meta']['arch']['head_units'] = (5, 1)  # the file's head has 3 units
    del checkpoint['state_dict']['head.1.bias']
    torch.save(checkpoint, tmp_path / 'other.pth')
    with pytest.raises(ValueError, match=r'other.pth does not fit FaceQnet\(.*keys 1 missing '
                                         r'\(head.1.bias\); 3 of another shape \(head.0.weight'):
        load_faceqnet(str(tmp_path / 'other.pth'))
    # Keras files have no num_batches_tracked: a converted file without them loads.
    checkpoint = torch.load(dst, weights_only=True)
    checkpoint['state_dict'] = {k: v for k, v in checkpoint['state_dict'].items()
                                if not k.endswith('num_batches_tracked')}
    torch.save(checkpoint, tmp_path / 'keras_keys.pth')
    model = load_faceqnet(str(tmp_path / 'keras_keys.pth'))
    assert torch.equal(model.state_dict()['head.1.bias'], checkpoint['state_dict']['head.1.bias'])


def test_fiq_finds_the_converted_weights_in_checkpoints(tiny_h5, tmp_path, monkeypatch, faces):
    dst = tmp_path / 'checkpoints' / 'FaceQnet_v1.pth'
    dst.parent.mkdir()
    load_converter().main([tiny_h5[0], str(dst)])
    monkeypatch.chdir(tmp_path)  # config paths are relative to the working directory
    metric = METRICS.build(dict(type='FIQ'))
    expected = keras_quality(tiny_h5[1], faces[0])  # the released script's score, in numpy
    metric.process({}, [dict(pred_img=faces[0])])
    assert metric.evaluate(1) == {'FIQ': pytest.approx(expected, abs=1e-4)}


def test_without_weights_fiq_is_not_reported(logged_warnings, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no checkpoints/FaceQnet_v1.pth
    metric = METRICS.build(dict(type='FIQ'))
    metric.process({}, [dict(pred_img=torch.rand(3, 32, 32))])
    assert metric.evaluate(1) == {}
    assert any('FIQ is not computed' in m for m in logged_warnings)
