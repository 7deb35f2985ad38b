"""Faces per second of the exported ONNX model in onnxruntime against the model in PyTorch.

    python tools/deployment/pytorch2onnx.py configs/dapfsr/dapfsr_small_17k_celeba-hq.py \
        checkpoints/dapfsr_small_celebahq.pth work_dirs/dapfsr_small.onnx
    python tools/benchmarks/onnx_speed.py configs/dapfsr/dapfsr_small_17k_celeba-hq.py \
        checkpoints/dapfsr_small_celebahq.pth work_dirs/dapfsr_small.onnx \
        [--batch-sizes 1 16] [--threads 2] [--seconds 5]

Both run the same graph on the same LR faces (random, the speed does not depend on the
values), CPU, ``--threads`` threads each (torch.set_num_threads; onnxruntime's intra-op
pool, sequential execution); each setting is warmed up, then run for ``--seconds``. Prints
a Markdown table (faces/s, ms per batch, onnxruntime / PyTorch) and the CPU load seen
before the run: measure on free cores (``top``), or say that the cores were shared.
"""
import argparse
import importlib.util
import os
import os.path as osp
import sys
import time

import numpy as np
import torch

from dapfsr.apis import init_model
from dapfsr.apis.inference import lr_size_of


def load_exporter():
    """tools/deployment/pytorch2onnx.py as a module: its ``SuperResolver`` is the exported graph."""
    path = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'deployment', 'pytorch2onnx.py')
    spec = importlib.util.spec_from_file_location('pytorch2onnx', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rate(fn, batch_size, seconds, warmup=2):
    """Faces per second of ``fn()`` (one batch a call), timed over about ``seconds``."""
    for _ in range(warmup):
        fn()
    calls, start = 0, time.perf_counter()
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds and calls >= 3:
            return batch_size * calls / elapsed, 1000 * elapsed / calls


def main(argv=None):
    parser = argparse.ArgumentParser(prog='onnx_speed.py', description=__doc__.splitlines()[0])
    parser.add_argument('config', help='model config')
    parser.add_argument('checkpoint', help='model weights')
    parser.add_argument('onnx', help='the model exported by tools/deployment/pytorch2onnx.py')
    parser.add_argument('--adapted', help='adapted parameters, when the ONNX model is adapted')
    parser.add_argument('--batch-sizes', type=int, nargs='+', default=[1, 16])
    parser.add_argument('--threads', type=int, default=2, help='CPU threads of each (default 2)')
    parser.add_argument('--seconds', type=float, default=5.0, help='timed seconds per setting')
    args = parser.parse_args(argv)
    try:
        import onnxruntime as ort
    except ImportError:
        sys.exit('onnx_speed.py: error: needs onnxruntime: pip install onnxruntime')
    load = os.getloadavg()[0]
    torch.set_num_threads(args.threads)
    model = init_model(args.config, args.checkpoint, adapted=args.adapted)
    wrapper = load_exporter().SuperResolver(model).eval()
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    session = ort.InferenceSession(args.onnx, options, providers=['CPUExecutionProvider'])
    size = lr_size_of(model)
    rows = []
    for batch in args.batch_sizes:
        lr = torch.rand(batch, 3, size, size)
        feed = {'lr': lr.numpy()}
        with torch.no_grad():
            diff = float(np.abs(session.run(['sr'], feed)[0] - wrapper(lr).numpy()).max())

            def torch_call():
                with torch.no_grad():
                    wrapper(lr)
            pt = rate(torch_call, batch, args.seconds)
        ox = rate(lambda: session.run(['sr'], feed), batch, args.seconds)
        rows.append((batch, pt, ox, diff))
    print(f'{args.threads} threads each, 1-min load average before: {load:.2f} on '
          f'{os.cpu_count()} cores, torch {torch.__version__}, onnxruntime {ort.__version__}')
    print('| batch | PyTorch faces/s | onnxruntime faces/s | onnxruntime / PyTorch | '
          'PyTorch ms/batch | onnxruntime ms/batch | max abs diff |')
    print('|---|---|---|---|---|---|---|')
    for batch, (pt, pt_ms), (ox, ox_ms), diff in rows:
        print(f'| {batch} | {pt:.1f} | {ox:.1f} | {ox / pt:.2f}x | {pt_ms:.1f} | {ox_ms:.1f} | '
              f'{diff:.1e} |')


if __name__ == '__main__':
    main()
