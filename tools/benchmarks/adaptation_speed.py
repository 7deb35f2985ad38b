"""Where one-shot adaptation spends its time: total seconds and each part's share.

    python tools/benchmarks/adaptation_speed.py CONFIG [CHECKPOINT] [--split A+050E+00] [--seed 0]
        [--cfg-options adaptation.inner_iters=10 ...]

Adapts the model (PULSE has no checkpoint) to the first exemplar of the config's
one-shot protocol (the given split and exemplar seed), as ``tools/test.py --one-shot
adapt`` does for each task, and prints the wall time of the run split into the
calibration of the model's refiner on the exemplar (the aligner of the LR-consistent
configs), the forward passes of the model's networks (those it has of: decoder, perceptual
extractor F, encoder, generator), the augmenter's style network (ASM's RAIN), the LR
degradation of the generated faces, the backward passes and the optimizer steps
(what is left: the loop itself). Any config with an ``adaptation``: DAMMA, ASM and
the other augmenters, every method's +ASM row. Set OMP_NUM_THREADS to the free cores:
a second job on the same cores makes OpenMP spin and the time meaningless.
"""
import argparse
import time
from collections import defaultdict
from contextlib import contextmanager

import torch
from mmengine.config import Config, DictAction

from dapfsr.adaptation import OneShotAdaptation, calibrate_refiner, exemplars_from_samples
from dapfsr.apis import init_model
from dapfsr.datasets import protocol_config
from dapfsr.registry import ADAPTATIONS


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


# the model's networks whose forward passes are timed, where it has them
NETWORK_PARTS = {'decoder': 'decoder forward', 'perceptual': 'perceptual forward (F)',
                 'encoder': 'encoder forward', 'generator': 'generator forward'}


def instrument(model, loop, timer):
    """Time the parts of ``loop.run`` on ``model`` (instance attributes only: no global patch)."""
    for attr, name in NETWORK_PARTS.items():
        if isinstance(getattr(model, attr, None), torch.nn.Module):
            timer.wrap(getattr(model, attr), 'forward', name)
    if loop.augmenter is not None:
        # a call looks __call__ up on the type, so replace the attribute, not its method
        loop.augmenter.degradation = timer.timed(loop.augmenter.degradation, 'LR degradation')
        if hasattr(loop.augmenter, 'style_network'):
            timer.wrap(loop.augmenter.style_network, 'stylize', 'style network (stylize)')

    # OneShotAdaptation.step is backward + optimizer step; time it whole and each optimizer's step
    # inside it; separate_backward takes the latter out after the run
    timer.wrap(loop, 'step', 'backward')
    build_optimizer = loop.build_optimizer

    def timed_optimizer(cfg, params, lr):
        optimizer = build_optimizer(cfg, params, lr)
        timer.wrap(optimizer, 'step', 'optimizer step')
        return optimizer
    loop.build_optimizer = timed_optimizer


def separate_backward(timer):
    """After the run: the 'backward' part timed whole loop steps; take their optimizer steps out."""
    timer.seconds['backward'] -= timer.seconds['optimizer step']


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint', nargs='?', help='trained weights (none for PULSE)')
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
    protocol = ADAPTATIONS.build(protocol_config(cfg))
    split = args.split or protocol.splits[0]
    if split not in protocol.splits:
        raise SystemExit(f'split {split!r} is not one of {protocol.splits}')
    exemplars = exemplars_from_samples(model, protocol.exemplars(protocol.task(split, args.seed)))
    loop = ADAPTATIONS.build(cfg.adaptation)
    if not isinstance(loop, OneShotAdaptation):
        raise SystemExit(f'adaptation of {args.config} is {type(loop).__name__}, not a OneShotAdaptation')
    timer = PartTimer()
    start = time.perf_counter()
    with timer.part('refiner calibration'):  # as adapt() does first (nothing without a refiner),
        calibrate_refiner(model, exemplars)  # timed before the networks are instrumented
    instrument(model, loop, timer)
    loop.run(model, exemplars, seed=args.seed)
    total = time.perf_counter() - start
    separate_backward(timer)
    augmenter = type(loop.augmenter).__name__ if loop.augmenter is not None else 'no augmenter'
    print(f'\n{type(model).__name__} + {augmenter}: {loop.outer_iters} x {loop.inner_iters} x '
          f'{loop.batch_size} pairs on {split} (seed {args.seed}), {torch.get_num_threads()} '
          f'thread(s): {total:.1f} s')
    print(f'{"part":28s} {"seconds":>8s} {"share":>6s}')
    for name, seconds in sorted(timer.seconds.items(), key=lambda kv: -kv[1]):
        print(f'{name:28s} {seconds:8.2f} {100 * seconds / total:5.1f}%')
    rest = total - sum(timer.seconds.values())
    print(f'{"rest (loop, losses, copies)":28s} {rest:8.2f} {100 * rest / total:5.1f}%')


if __name__ == '__main__':
    main()
