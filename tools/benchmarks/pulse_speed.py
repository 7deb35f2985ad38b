"""Faces per second of DAP-FSR, PULSE and other baselines on the same LR faces and machine,
each as a ratio to PULSE's.

    python tools/benchmarks/pulse_speed.py [--dapfsr-config C] [--dapfsr-checkpoint K | --random-weights]
        [--pulse-config P] [--baselines CONFIG[:CHECKPOINT] ...] [--batch-sizes 1 16] [--iters 10]
        [--device cpu|cuda]

All models are built from their configs by ``init_model``, in one process, and timed by
their ``test_step``: DAP-FSR (encoder + the frozen decoder, one forward pass) from
``--dapfsr-checkpoint``, PULSE (``steps`` optimisation steps through the decoder per
face) from its config, no checkpoint, and each of ``--baselines`` (default: the small
profile's MTDN and CPGAN with their committed checkpoints; ``--baselines`` alone: none).
DAP-FSR's and PULSE's decoders must hold the same weights (checked). The LR faces are
the first faces of the PULSE config's test set (random LR faces where its data is
absent: the time does not depend on them), the same for every model.
``--random-weights`` times randomly initialised models (the same random decoder in
DAP-FSR and PULSE; baselines without their checkpoints), e.g. the paper profile without
its trained files. PULSE's Gaussian fit of the mapping, once per model, is timed apart.
Threads: ``--threads`` (set OMP_NUM_THREADS to the same; a busy machine slows every
model, the ratios less than the rates).
"""
import argparse
import time

import torch
from mmengine.dataset import pseudo_collate

from dapfsr.apis import init_model
from dapfsr.registry import DATASETS

DAPFSR_CONFIG = 'configs/dapfsr/dapfsr_small_17k_celeba-hq.py'
DAPFSR_CHECKPOINT = 'checkpoints/dapfsr_small_celebahq.pth'
PULSE_CONFIG = 'configs/pulse/pulse_small_100_celeba-hq.py'
BASELINES = ['configs/mtdn/mtdn_small_2k_celeba-hq.py:checkpoints/mtdn_small_celebahq.pth',
             'configs/cpgan/cpgan_small_10k_celeba-hq.py:checkpoints/cpgan_small_celebahq.pth']


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--dapfsr-config', default=DAPFSR_CONFIG)
    parser.add_argument('--dapfsr-checkpoint', default=DAPFSR_CHECKPOINT)
    parser.add_argument('--pulse-config', default=PULSE_CONFIG)
    parser.add_argument('--baselines', nargs='*', default=BASELINES, metavar='CONFIG[:CHECKPOINT]',
                        help='more models timed on the same LR faces (default: small MTDN and CPGAN)')
    parser.add_argument('--random-weights', action='store_true',
                        help='time randomly initialised models (no checkpoint or decoder file)')
    parser.add_argument('--batch-sizes', nargs='+', type=int, default=[1, 16])
    parser.add_argument('--iters', type=int, default=10, help='timed batches of DAP-FSR and the baselines')
    parser.add_argument('--pulse-iters', type=int, default=1, help='timed PULSE batches')
    parser.add_argument('--threads', type=int, default=1, help='torch CPU threads')
    parser.add_argument('--device', default='cpu')
    return parser.parse_args()


def build_models(args):
    """(DAP-FSR, PULSE) in eval mode on ``args.device``, with the same decoder weights."""
    if args.random_weights:
        # no files: a one-layer random perceptual extractor (unused in inference), the
        # decoder random and copied into PULSE's
        dapfsr = init_model(args.dapfsr_config, device=args.device, cfg_options={'model': dict(
            decoder_checkpoint=None, perceptual_layer_weights=None,
            perceptual=dict(_delete_=True, type='VGG19Features', layers=('relu1_1', ),
                            allow_random_weights=True))})
        pulse = init_model(args.pulse_config, device=args.device,
                           cfg_options={'model': dict(decoder_checkpoint=None)})
        pulse.decoder.load_state_dict(dapfsr.decoder.state_dict())
    else:
        dapfsr = init_model(args.dapfsr_config, args.dapfsr_checkpoint, device=args.device)
        pulse = init_model(args.pulse_config, device=args.device)
    mine, theirs = dapfsr.decoder.state_dict(), pulse.decoder.state_dict()
    if mine.keys() != theirs.keys() or not all(torch.equal(mine[k], theirs[k]) for k in mine):
        raise SystemExit(f'error: the decoders of {args.dapfsr_config} and {args.pulse_config} differ')
    return dapfsr, pulse


def build_baselines(args):
    """[(name, model, what)] of ``--baselines``, named by their config's model type."""
    models = []
    for spec in args.baselines:
        config, _, checkpoint = spec.partition(':')
        checkpoint = None if args.random_weights else checkpoint or None
        model = init_model(config, checkpoint, device=args.device)
        models.append((model.cfg.model.type, model, config + (f' + {checkpoint}' if checkpoint else '')))
    return models


def lr_faces(cfg, num, size, device):
    """``num`` LR faces (list of (3, size, size) in [0, 1]) and where they come from."""
    dataset_cfg = cfg.test_dataloader.dataset
    try:
        dataset = DATASETS.build(dataset_cfg)
    except (FileNotFoundError, OSError) as err:
        print(f'no test data ({err}): random LR faces')
        return [torch.rand(3, size, size, device=device) for _ in range(num)], 'random'
    faces = pseudo_collate([dataset[i] for i in range(num)])['inputs']
    return [face.to(device) for face in faces], f'the first {num} faces of {dataset_cfg["type"]}'


def time_batches(model, faces, iters, synchronize):
    """Seconds per batch of ``model.test_step`` on ``faces`` (mean over ``iters`` runs)."""
    batch = dict(inputs=faces)
    synchronize()
    start = time.perf_counter()
    for _ in range(iters):
        model.test_step(batch)
    synchronize()
    return (time.perf_counter() - start) / iters


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    dapfsr, pulse = build_models(args)
    # (name, model, warm-up batches, timed batches); PULSE is not warmed up: its first batch
    # costs what the others do, and one batch of it takes longer than all the rest
    models = [('PULSE', pulse, 0, args.pulse_iters), ('DAP-FSR', dapfsr, 2, args.iters)]
    baselines = build_baselines(args)
    models += [(name, model, 2, args.iters) for name, model, _ in baselines]
    synchronize = torch.cuda.synchronize if args.device.startswith('cuda') else (lambda: None)
    where = (torch.cuda.get_device_name(args.device) if args.device.startswith('cuda')
             else f'CPU, {args.threads} thread(s)')
    lr_size = int(pulse.cfg.get('scale_lr', 16))
    faces, source = lr_faces(pulse.cfg, max(args.batch_sizes), lr_size, args.device)
    start = time.perf_counter()
    pulse.gaussian_fit()
    fit_seconds = time.perf_counter() - start
    decoder = pulse.decoder
    print(f'Speed against PULSE on {where}, torch {torch.__version__}, float32; '
          f'{"random weights (timing only)" if args.random_weights else "trained weights"}')
    print(f'  DAP-FSR: {args.dapfsr_config}'
          + ('' if args.random_weights else f' + {args.dapfsr_checkpoint}'))
    print(f'  PULSE:   {args.pulse_config}, {pulse.steps} steps per face; Gaussian fit of the '
          f'mapping ({pulse.gaussian_fit_samples} samples, once per model): {fit_seconds:.1f} s')
    for name, _, what in baselines:
        print(f'  {name + ":":8s} {what}')
    print(f'  the same decoder in DAP-FSR and PULSE: {decoder.out_size} px, W+ {decoder.num_latents} x '
          f'{decoder.style_channels}; LR faces: {source}, {lr_size} px')
    for batch_size in args.batch_sizes:
        batch = faces[:batch_size]
        rates = {}
        for name, model, warmup, iters in models:
            if warmup:
                time_batches(model, batch, warmup, synchronize)
            rates[name] = batch_size / time_batches(model, batch, iters, synchronize)
            print(f'  batch {batch_size:3d}: {name:8s} {rates[name]:9.3f} faces/s '
                  f'{1000 / rates[name]:9.1f} ms/face  x{rates[name] / rates["PULSE"]:.1f} PULSE\'s rate')


if __name__ == '__main__':
    main()
