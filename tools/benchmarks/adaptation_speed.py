"""Where one-shot adaptation (DAMMA) spends its time: total seconds and the share of each part.

    python tools/benchmarks/adaptation_speed.py CONFIG CHECKPOINT [--split A+050E+00] [--seed 0]
        [--cfg-options adaptation.inner_iters=10 ...]

Adapts the checkpoint to the first exemplar of the config's one-shot protocol
(the given split and exemplar seed), as ``tools/test.py --one-shot adapt`` does
for each task, and prints the wall time of the run split into the forward
passes of the decoder, the perceptual extractor F and the encoder, the LR
degradation of the generated faces, the backward passes and the optimizer
steps (what is left: the loop itself). Set OMP_NUM_THREADS to the free cores:
a second job on the same cores makes OpenMP spin and the time meaningless.
"""
import argparse
import time
from collections import defaultdict
from contextlib import contextmanager

import torch
from mmengine.config import Config, DictAction

from dapfsr.adaptation import DAMMA, exemplars_from_samples
from dapfsr.apis import init_model
from dapfsr.datasets import protocol_config
from dapfsr.registry import DATASETS, MODELS


class PartTimer:
    """Accumulates wall time per named part; nested parts are not subtracted, so time
    only leaf calls (forward passes, the degradation, backward, optimizer steps)."""

    def __init__(self):
        self.seconds = defaultdict(float)

    @contextmanager
    def part(self, name):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - start

    def timed(self, function, name):
        def timed(*args, **kwargs):
            with self.part(name):
                return function(*args, **kwargs)
        return timed

    def wrap(self, obj, attr, name):
        setattr(obj, attr, self.timed(getattr(obj, attr), name))


def instrument(model, damma, timer):
    """Time the parts of ``damma.run`` on ``model`` (instance attributes only: no global patch)."""
    timer.wrap(model.decoder, 'forward', 'decoder forward')
    timer.wrap(model.perceptual, 'forward', 'perceptual forward (F)')
    timer.wrap(model.encoder, 'forward', 'encoder forward')
    if damma.augmenter is not None:
        # a call looks __call__ up on the type, so replace the attribute, not its method
        damma.augmenter.degradation = timer.timed(damma.augmenter.degradation, 'LR degradation')

    # DAMMA.step is backward + optimizer step; time it whole and each optimizer's step
    # inside it; separate_backward takes the latter out after the run
    timer.wrap(damma, 'step', 'backward')
    build_optimizer = damma.build_optimizer

    def timed_optimizer(cfg, params, lr):
        optimizer = build_optimizer(cfg, params, lr)
        timer.wrap(optimizer, 'step', 'optimizer step')
        return optimizer
    damma.build_optimizer = timed_optimizer


def separate_backward(timer):
    """After the run: the 'backward' part timed whole DAMMA steps; take their optimizer steps out."""
    timer.seconds['backward'] -= timer.seconds['optimizer step']


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--split', help='protocol split (default: its first)')
    parser.add_argument('--seed', type=int, default=0, help='exemplar seed')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    for key in ('adaptation', 'one_shot_protocol'):
        if key not in cfg:
            raise SystemExit(f'{args.config} has no "{key}"')
    model = init_model(cfg, args.checkpoint)
    protocol = DATASETS.build(protocol_config(cfg))
    split = args.split or protocol.splits[0]
    if split not in protocol.splits:
        raise SystemExit(f'split {split!r} is not one of {protocol.splits}')
    exemplars = exemplars_from_samples(model, protocol.exemplars(protocol.task(split, args.seed)))
    damma = MODELS.build(cfg.adaptation)
    if not isinstance(damma, DAMMA):
        raise SystemExit(f'adaptation of {args.config} is {type(damma).__name__}, not DAMMA')
    timer = PartTimer()
    instrument(model, damma, timer)
    start = time.perf_counter()
    damma.run(model, exemplars, seed=args.seed)
    total = time.perf_counter() - start
    separate_backward(timer)
    print(f'\nDAMMA {damma.outer_iters} x {damma.inner_iters} x {damma.batch_size} pairs on {split} '
          f'(seed {args.seed}), {torch.get_num_threads()} thread(s): {total:.1f} s')
    print(f'{"part":28s} {"seconds":>8s} {"share":>6s}')
    for name, seconds in sorted(timer.seconds.items(), key=lambda kv: -kv[1]):
        print(f'{name:28s} {seconds:8.2f} {100 * seconds / total:5.1f}%')
    rest = total - sum(timer.seconds.values())
    print(f'{"rest (loop, losses, copies)":28s} {rest:8.2f} {100 * rest / total:5.1f}%')


if __name__ == '__main__':
    main()
