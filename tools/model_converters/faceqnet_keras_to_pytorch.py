"""Convert the released FaceQnet Keras model to a PyTorch checkpoint for the FIQ metric.

    python tools/model_converters/faceqnet_keras_to_pytorch.py FaceQnet_v1.h5 checkpoints/FaceQnet_v1.pth

Reads the ``.h5`` with h5py (no TensorFlow or Keras needed), maps the
keras_vggface ResNet-50 and the dense head onto ``dapfsr``'s ``FaceQnet``
(see dapfsr/evaluation/metrics/faceqnet.py for the layout and transpositions),
and writes ``{'state_dict': ..., 'meta': {'arch': ..., 'source': ...}}``, which
``torch.load(weights_only=True)`` reads. ``dict(type='FIQ')`` finds it at
``checkpoints/FaceQnet_v1.pth``; elsewhere, ``dict(type='FIQ', checkpoint=PATH)``.
"""
import argparse
import os.path as osp

import torch

from dapfsr.evaluation.metrics.faceqnet import faceqnet_from_keras_h5


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('src', help='FaceQnet Keras .h5 file (e.g. FaceQnet_v1.h5)')
    parser.add_argument('dst', help='output PyTorch checkpoint (.pth)')
    parser.add_argument('--head-activations', type=lambda s: tuple(s.split(',')),
                        help='activations of the head dense layers, comma separated '
                        '(e.g. relu,linear); needed only for a weights-only .h5 without model_config')
    return parser.parse_args(argv)


def convert(src, dst, head_activations=None):
    """Convert ``src`` (.h5) to ``dst`` (.pth); returns the architecture dict."""
    model = faceqnet_from_keras_h5(src, head_activations=head_activations)
    torch.save({'state_dict': model.state_dict(),
                'meta': {'arch': model.arch, 'source': osp.basename(src)}}, dst)
    return model.arch


def main(argv=None):
    args = parse_args(argv)
    arch = convert(args.src, args.dst, args.head_activations)
    print(f'wrote {args.dst}: FaceQnet({arch})')


if __name__ == '__main__':
    main()
