"""Export the feed-forward model (source or adapted) to ONNX and check it with onnxruntime.

    python tools/deployment/pytorch2onnx.py configs/dapfsr/dapfsr_small_17k_celeba-hq.py \
        checkpoints/dapfsr_small_celebahq.pth work_dirs/dapfsr_small.onnx \
        [--adapted DELTA] [--opset 18] [--no-verify]

The graph takes LR faces ``lr`` (N, 3, h, h) in [0, 1] and gives SR faces ``sr``
(N, C, H, H) in [0, 1], N dynamic (16 -> 64 and C = 3 for the committed model; C = 1
when the config sets ``gray_output``): the [0, 1] <-> [-1, 1] mapping of the data
preprocessor, the encoder (with its spatial transformers: ``affine_grid`` and
``grid_sample``, opset >= 16) and the StyleGAN2 decoder (modulated convolutions,
upfirdn in plain PyTorch, its fixed noise maps as constants) are all in it.

torch's dynamo exporter (``torch.export`` then onnxscript) is used: the TorchScript
exporter loses the channel count before the ISTN's instance normalisation and fails
(``Unsupported: ONNX export of instance_norm for unknown channel size``).

The export is checked: onnxruntime's output must match PyTorch's within ``--atol``
(1e-3) on real faces that scikit-image ships (its 100 LFW faces, gray, and the
astronaut's face cropped by the photo pipeline, at the model's LR size) in batches of
1 and of 7. Exit status 1 when it does not, or when the export fails.
"""
import argparse
import os.path as osp
import sys
import time

import numpy as np
import torch
from torch import nn

from dapfsr.apis import init_model
from dapfsr.apis.inference import gray_output_of, lr_size_of
from dapfsr.utils.fileio import atomic_path
from dapfsr.utils.user_errors import InputError, check_output_file


class SuperResolver(nn.Module):
    """LR faces (N, 3, h, w) in [0, 1] -> SR faces (N, C, H, W) in [0, 1]: what ``super_resolve``
    computes for RGB faces, as one graph."""

    def __init__(self, model, gray=False):
        super().__init__()
        self.model, self.gray = model, gray

    def forward(self, lr):
        sr = ((self.model(lr * 2.0 - 1.0, mode='tensor') + 1.0) / 2.0).clamp(0.0, 1.0)
        return sr.mean(1, keepdim=True) if self.gray else sr


def export(model, path, opset=18, gray=None):
    """Write ``model`` (built by ``init_model``) as ONNX to ``path``; returns the wrapper."""
    gray = gray_output_of(model) if gray is None else gray
    wrapper = SuperResolver(model.eval(), gray).eval()
    size = lr_size_of(model)
    example = torch.rand(2, 3, size, size)
    with atomic_path(path) as tmp, torch.no_grad():
        torch.onnx.export(wrapper, (example, ), tmp, dynamo=True, opset_version=opset,
                          input_names=['lr'], output_names=['sr'],
                          dynamic_shapes={'lr': {0: torch.export.Dim('batch', min=1)}},
                          external_data=False, verbose=False, report=False)
    return wrapper


def real_faces(size):
    """(N, 3, size, size) float32 in [0, 1]: scikit-image's 100 LFW faces (25 px, gray,
    replicated) and the astronaut's face as the photo pipeline crops it."""
    from skimage import data
    from dapfsr.apis.face_alignment import alignment_matrix, crop_lr_face
    from dapfsr.apis.photo import demo_photo
    from dapfsr.models.detectors import MTCNN
    from dapfsr.utils.matlab_resize import matlab_imresize
    lfw = data.lfw_subset()[:100].astype(np.float32)
    faces = [np.repeat(matlab_imresize(f[..., None], size=(size, size)).clip(0, 1), 3, 2)
             for f in lfw]
    try:
        photo = demo_photo(24)
        found = MTCNN().detect(photo)
        faces += [crop_lr_face(photo, alignment_matrix(f.landmarks), size) for f in found]
    except ImportError:  # no detector installed: the LFW faces alone
        pass
    return torch.from_numpy(np.stack(faces).transpose(0, 3, 1, 2).astype(np.float32))


def verify(wrapper, path, faces, batch_sizes=(1, 7)):
    """Max |onnxruntime - PyTorch| over ``faces`` in batches of each size (the batch axis is
    dynamic); also checks the output shape."""
    import onnxruntime as ort
    session = ort.InferenceSession(path, providers=['CPUExecutionProvider'])
    worst = 0.0
    for batch in batch_sizes:
        for start in range(0, len(faces), batch):
            x = faces[start:start + batch]
            with torch.no_grad():
                ref = wrapper(x).numpy()
            out = session.run(['sr'], {'lr': x.numpy()})[0]
            if out.shape != ref.shape:
                raise ValueError(f'onnxruntime gave {out.shape}, PyTorch {ref.shape}')
            worst = max(worst, float(np.abs(out - ref).max()))
    return worst


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='pytorch2onnx.py', description='Export a dapfsr model (LR faces in, SR faces out, '
        'dynamic batch) to ONNX and check it against PyTorch with onnxruntime.')
    parser.add_argument('config', help='model config, e.g. configs/dapfsr/dapfsr_small_17k_celeba-hq.py')
    parser.add_argument('checkpoint', help='model weights')
    parser.add_argument('out', help='output .onnx file (replaced if it exists; never one of the '
                        'inputs)')
    parser.add_argument('--adapted', help='adapted parameters (tools/adapt.py) applied first: '
                        'the adapted model is exported')
    parser.add_argument('--opset', type=int, default=18, help='ONNX opset (>= 16 for grid_sample; '
                        'default 18)')
    parser.add_argument('--atol', type=float, default=1e-3,
                        help='largest |onnxruntime - PyTorch| accepted (default 1e-3)')
    parser.add_argument('--no-verify', action='store_true', help='skip the onnxruntime check')
    args = parser.parse_args(argv)
    if args.opset < 16:
        parser.error(f'--opset {args.opset}: grid_sample (the ISTNs) needs opset 16 or later')
    try:  # before the model is built: OUT is none of the inputs, and can be written
        check_output_file(args.out, [('CONFIG', args.config), ('CHECKPOINT', args.checkpoint),
                                     ('--adapted', args.adapted)], 'OUT')
    except InputError as err:
        parser.error(str(err))
    try:
        model = init_model(args.config, args.checkpoint, adapted=args.adapted)
    except (OSError, ValueError) as err:
        sys.exit(f'pytorch2onnx.py: error: {err}')
    start = time.perf_counter()
    try:
        wrapper = export(model, args.out, args.opset)
    except Exception as err:  # the exporter raises many types; one line for the user
        sys.exit(f'pytorch2onnx.py: error: export failed: {type(err).__name__}: '
                 f'{" ".join(str(err).split())[:300]}')
    size = lr_size_of(model)
    print(f'wrote {args.out} ({osp.getsize(args.out) / 2**20:.1f} MiB, opset {args.opset}, '
          f'{time.perf_counter() - start:.0f} s): lr (N, 3, {size}, {size}) -> sr '
          f'(N, {1 if wrapper.gray else 3}, ...)')
    if args.no_verify:
        return
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        sys.exit('pytorch2onnx.py: error: checking the export needs onnxruntime: '
                 'pip install onnxruntime (or --no-verify)')
    faces = real_faces(size)
    worst = verify(wrapper, args.out, faces)
    print(f'onnxruntime vs PyTorch on {len(faces)} real faces (batches of 1 and 7): '
          f'max |difference| {worst:.2e} (limit {args.atol:g})')
    if not worst <= args.atol:
        sys.exit(f'pytorch2onnx.py: error: the ONNX model differs from PyTorch by {worst:.2e} '
                 f'> {args.atol:g}')


if __name__ == '__main__':
    main()
