"""Where the decibels go: a model's error on a target domain split into the band the LR face
determines and the detail above it, beside oracle rows that say which lever can pay.

    python tools/analysis/error_decomposition.py CONFIG [CHECKPOINT] [--adapted DELTA] \\
        [--splits A+000E+20 A-035E+15] [--exemplar-seed 0] [--aligner CKPT] [--out DIR] \\
        [--ceiling-steps 200] [--exemplars 1 5 all]

For each split of the config's one-shot protocol (default: all), the test faces of the task
(exemplar seed ``--exemplar-seed``) are super-resolved by the model (its refiner, if the config
has one, calibrated on the task's exemplar as the one-shot benchmark does). With D the data's
degradation through each face's true affine (``results['affine']``) and e = output - HR, the
error splits into the LR band P e (P = D^T (D D^T)^-1 D, what the LR face fixes: light, shading,
layout) and the detail (I - P) e, which add up: MSE = MSE_band + MSE_detail. Rows:

- the model; the model refined with the true affine (its band removed: what a perfect aligner
  gives the LR-consistency refinement); with the aligner's calibrated estimate (``--aligner``);
- bicubic of the LR face; bicubic of the LR face made without the affine (the alignment's
  whole cost); bicubic put upright by the true affine, by the aligner's estimate, and, for
  DAP-FSR, by its own first ISTN;
- with ``--exemplars K ...`` (a config with an ``adaptation``): the model adapted to K
  exemplars. Each split's test faces are halved (a draw seeded by the exemplar seed); each half
  is super-resolved by the model adapted to K faces drawn from the other half ("all": the whole
  other half, the split's other faces as far as a held-out test allows), then the source state
  is restored, so every row is measured on the same faces;
- with ``--ceiling-steps N`` and a model with a StyleGAN decoder: the W+ ceiling, each HR face
  fitted by N Adam steps through the source decoder (:func:`dapfsr.models.editors.stylegan2.fit_latents`)
  and, with ``--exemplars``, through the decoder adapted to the first K: how much of the face
  the decoder can draw at all, before and after adaptation.

Columns: PSNR, MSE band and detail (x1e3, [-1, 1] range), and the output's LR consistency
(PSNR of D(output) against the LR face). With ``--aligner``, also the aligner's mean errors on
these faces, before and after its calibration on each task's exemplar. Writes ``OUT/decomposition.md``, ``.json`` and
``OUT/decomposition.png`` (per face: LR, bicubic, upright bicubic, output, |band|, |detail|, HR).
"""
import argparse
import copy
import json
import os
import os.path as osp

import numpy as np
import torch
from mmengine.dataset import pseudo_collate

from dapfsr.adaptation import adapt, calibrate_refiner, exemplars_from_samples
from dapfsr.apis import init_model
from dapfsr.datasets import protocol_config
from dapfsr.models.aligners import affine_parameters, degrade, warp
from dapfsr.models.editors.stylegan2 import fit_latents
from dapfsr.models.refiners import UprightWarp, project_to_lr, split_lr_band
from dapfsr.registry import ADAPTATIONS
from dapfsr.setup_env import register_all_modules
from dapfsr.utils import exit_on_user_error, load_config
from dapfsr.utils.fileio import atomic_write
from dapfsr.utils.matlab_resize import imresize
from dapfsr.visualization import save_image_grid

GRID_FACES = 4


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Split a model\'s error into the LR band and the detail')
    parser.add_argument('config', help='a target-domain test config (one-shot protocol)')
    parser.add_argument('checkpoint', nargs='?', help='its checkpoint (none for bicubic)')
    parser.add_argument('--adapted', help='adapted parameters on top of the checkpoint')
    parser.add_argument('--splits', nargs='+', help='splits of the protocol (default: all)')
    parser.add_argument('--exemplar-seed', type=int, default=0, help='the task of each split')
    parser.add_argument('--aligner', help='AffineAligner checkpoint for the estimated-affine rows')
    parser.add_argument('--aligner-config', default='configs/_base_/models/affine_aligner_small.py',
                        help='config whose affine_aligner builds it')
    parser.add_argument('--out', default='work_dirs/error_decomposition', help='output folder')
    parser.add_argument('--cfg-options', nargs='+', default=[], help='key=value overrides')
    parser.add_argument('--exemplars', nargs='+', default=[], metavar='K',
                        help='rows of the model adapted to K exemplars of the other half of the split '
                             '(a number or "all")')
    parser.add_argument('--ceiling-steps', type=int, default=0,
                        help='W+ ceiling rows: Adam steps of the fit of each HR face (0: none)')
    args = parser.parse_args(argv)
    for k in args.exemplars:
        if k != 'all' and not (k.isdigit() and int(k) > 0):
            parser.error(f'--exemplars takes positive numbers or "all", got {k!r}')
    if args.ceiling_steps < 0:
        parser.error('--ceiling-steps must be 0 or more')
    return args


def mse(x, y):
    return (x - y).square().mean().item()


def psnr(value):  # [-1, 1] range: peak-to-peak 2
    return 10 * torch.log10(torch.tensor(4.0 / max(value, 1e-12))).item()


def halves(count, seed):
    """The positions 0..count-1 in two halves of a seeded random order."""
    order = np.random.default_rng(seed).permutation(count)
    return sorted(order[:count // 2].tolist()), sorted(order[count // 2:].tolist())


def exemplar_rows(model, test, adaptation, counts, seed, ceiling_steps):
    """SR faces (N, 3, H, W) of every face of ``test`` by the model adapted to K exemplars of
    the other half, for each K of ``counts``; with ``ceiling_steps``, also the W+ fits of the HR
    faces through the decoder adapted to the first K. The model is back in its state after."""
    source = copy.deepcopy(model.state_dict())
    first, second = halves(len(test), seed)
    outputs = {k: [None] * len(test) for k in counts}
    fits = [None] * len(test)
    for faces, others in ((first, second), (second, first)):
        batch = model.data_preprocessor(pseudo_collate([test[i] for i in faces]))
        lr = batch['inputs'].expand(-1, 3, -1, -1)
        for k in counts:
            chosen = others if k == 'all' else np.random.default_rng([seed, len(faces)]).permutation(others)[:int(k)]
            adapt(model, [test[int(i)] for i in chosen], adaptation, seed=seed)
            model.eval()
            with torch.no_grad():
                for i, face in zip(faces, model(lr, mode='tensor')):
                    outputs[k][i] = face
            if ceiling_steps and k == counts[0]:
                hr = model.data_preprocessor.stack_gt(batch['data_samples']).expand(-1, 3, -1, -1)
                for i, face in zip(faces, wplus_ceiling(model.decoder, hr, ceiling_steps)):
                    fits[i] = face
            model.load_state_dict(source)
    return ({k: torch.stack(v) for k, v in outputs.items()},
            torch.stack(fits) if ceiling_steps else None)


def wplus_ceiling(decoder, hr, steps):
    """HR faces (N, 3, H, W) in [-1, 1] as the decoder redraws them from their fitted W+ codes."""
    with torch.enable_grad():
        images, _ = fit_latents(decoder, (hr + 1) / 2, 'wplus', steps=steps, log=None)
    return images * 2 - 1


def row(out, hr, lr, true, bands=None):
    band, detail = bands or split_lr_band(out - hr, true, lr.shape[-1])
    return dict(PSNR=psnr(mse(out, hr)), band=1e3 * band.square().mean().item(),
                detail=1e3 * detail.square().mean().item(),
                lr_consistency=psnr(mse(degrade(out, true, lr.shape[-1]), lr)))


@exit_on_user_error
def main(argv=None):
    args = parse_args(argv)
    register_all_modules()
    options = dict(o.split('=', 1) for o in args.cfg_options)
    cfg = load_config(args.config, options or None)
    model = init_model(cfg, args.checkpoint, adapted=args.adapted)
    protocol = ADAPTATIONS.build(protocol_config(cfg))
    splits = args.splits or protocol.splits
    counts = list(dict.fromkeys(args.exemplars))
    adaptation = cfg.get('adaptation')
    if counts and adaptation is None:
        raise SystemExit(f'--exemplars: {args.config} has no "adaptation" to adapt the model with')
    decoder = getattr(model, 'decoder', None)
    if args.ceiling_steps and decoder is None:
        raise SystemExit(f'--ceiling-steps: the model of {args.config} has no StyleGAN decoder to fit')
    upright = None
    if args.aligner:
        aligner_cfg = load_config(args.aligner_config)
        upright = UprightWarp(aligner_cfg.affine_aligner, args.aligner).eval()
    faces = {key: [] for key in ('lr', 'hr', 'out', 'true', 'bicubic_aligned_lr', 'estimate', 'uncalibrated',
                                  'istn', 'ceiling', 'adapted_ceiling', *counts)}
    for number, split in enumerate(splits, 1):
        print(f'[{number}/{len(splits)}] {split}', flush=True)  # adaptation and fits take minutes
        task = protocol.task(split, args.exemplar_seed)
        exemplars = exemplars_from_samples(model, protocol.exemplars(task))
        calibrate_refiner(model, exemplars)
        if upright is not None:
            upright.calibrate(exemplars.hr)
        test = protocol.test_dataset(task)
        batch = model.data_preprocessor(pseudo_collate([test[i] for i in range(len(test))]))
        lr = batch['inputs'].expand(-1, 3, -1, -1)
        hr = model.data_preprocessor.stack_gt(batch['data_samples']).expand(-1, 3, -1, -1)
        true = affine_parameters([s.affine for s in batch['data_samples']])
        with torch.no_grad():
            faces['out'].append(model(lr, mode='tensor'))
            if upright is not None:
                faces['estimate'].append(upright.affine(lr))
                faces['uncalibrated'].append(upright.source_aligner.estimate(lr))
            istn = getattr(getattr(model, 'encoder', None), 'istns', {})
            if '0' in istn:  # DAP-FSR's first ISTN: the warp it applies to the upsampled LR face
                faces['istn'].append(istn['0'].transform(torch.nn.functional.interpolate(
                    lr, size=hr.shape[-2:], mode='bilinear', align_corners=False)))
        if args.ceiling_steps:
            faces['ceiling'].append(wplus_ceiling(decoder, hr, args.ceiling_steps))
        if counts:
            adapted, fits = exemplar_rows(model, test, adaptation, counts, args.exemplar_seed, args.ceiling_steps)
            for k in counts:
                faces[k].append(adapted[k])
            if fits is not None:
                faces['adapted_ceiling'].append(fits)
        # the LR face the pipeline would have made without the affine
        faces['bicubic_aligned_lr'].append(imresize(degrade(hr, torch.tensor([[0., 0., 0., 1.]]).expand(
            len(hr), -1), lr.shape[-1]), size=hr.shape[-2:]))
        faces['lr'].append(lr), faces['hr'].append(hr), faces['true'].append(true)
    lr, hr, out, true = (torch.cat(faces[k]) for k in ('lr', 'hr', 'out', 'true'))
    bicubic = imresize(lr, size=hr.shape[-2:]).clamp(-1, 1)
    bands = split_lr_band(out - hr, true, lr.shape[-1])  # the table's first row and the picture's
    rows = {'model': row(out, hr, lr, true, bands),
            'model, refined with the true affine': row(
                project_to_lr(out, lr, true, 30).clamp(-1, 1), hr, lr, true),
            'bicubic': row(bicubic, hr, lr, true),
            'bicubic of the LR face made without the affine': row(
                torch.cat(faces['bicubic_aligned_lr']).clamp(-1, 1), hr, lr, true),
            'bicubic, upright by the true affine': row(warp(bicubic, true, inverse=True).clamp(-1, 1), hr, lr, true)}
    if faces['estimate']:
        estimate = torch.cat(faces['estimate'])
        rows['model, refined with the aligner\'s estimate'] = row(
            project_to_lr(out, lr, estimate, 30).clamp(-1, 1), hr, lr, true)
        rows['bicubic, upright by the aligner\'s estimate'] = row(
            warp(bicubic, estimate, inverse=True).clamp(-1, 1), hr, lr, true)
    for k in counts:
        rows[f'model adapted to {k} exemplar(s) of the other half of the split'] = row(
            torch.cat(faces[k]), hr, lr, true)
    if faces['ceiling']:
        rows['W+ ceiling through the source decoder'] = row(torch.cat(faces['ceiling']), hr, lr, true)
    if faces['adapted_ceiling']:
        rows[f'W+ ceiling through the decoder adapted to {counts[0]} exemplar(s)'] = row(
            torch.cat(faces['adapted_ceiling']), hr, lr, true)
    if faces['istn']:
        theta = torch.cat(faces['istn'])
        grid = torch.nn.functional.affine_grid(theta, list(bicubic.shape), align_corners=False)
        rows['bicubic, upright by the model\'s ISTN'] = row(torch.nn.functional.grid_sample(
            bicubic, grid, mode='bicubic', padding_mode='reflection', align_corners=False).clamp(-1, 1),
            hr, lr, true)
    os.makedirs(args.out, exist_ok=True)
    lines = [f'| {osp.basename(args.config)}, {len(hr)} faces of {", ".join(splits)} | PSNR | MSE band (x1e3) '
             '| MSE detail (x1e3) | LR consistency (dB) |', '|---|---|---|---|---|']
    lines += [f'| {name} | {r["PSNR"]:.2f} | {r["band"]:.2f} | {r["detail"]:.2f} | {r["lr_consistency"]:.2f} |'
              for name, r in rows.items()]
    if faces['estimate']:
        lines += ['', '| the aligner on these faces | rotation (deg) | translation (px at 128) | scale |',
                  '|---|---|---|---|']
        for name, key in (('uncalibrated', 'uncalibrated'), ('calibrated on the exemplar', 'estimate')):
            error = torch.cat(faces[key]) - true
            rows[f'aligner, {name}'] = dict(rotation=error[:, 0].abs().mean().item(),
                                             translation=error[:, 1:3].norm(dim=1).mean().item(),
                                             scale=error[:, 3].abs().mean().item())
            lines.append(f'| {name} | ' + ' | '.join(f'{v:.3f}' for v in rows[f'aligner, {name}'].values()) + ' |')
    table = '\n'.join(lines) + '\n'
    print(table)
    with atomic_write(osp.join(args.out, 'decomposition.md')) as f:
        f.write(table)
    with atomic_write(osp.join(args.out, 'decomposition.json')) as f:
        json.dump(dict(config=args.config, splits=splits, faces=len(hr), rows=rows), f, indent=2)
    band, detail = bands
    to_img = lambda x: (x[:GRID_FACES] + 1) / 2  # noqa: E731
    columns = [to_img(imresize(lr, size=hr.shape[-2:])), to_img(bicubic),
               to_img(warp(bicubic, true, inverse=True).clamp(-1, 1)), to_img(out),
               band[:GRID_FACES].abs().clamp(0, 1), detail[:GRID_FACES].abs().clamp(0, 1), to_img(hr)]
    save_image_grid(osp.join(args.out, 'decomposition.png'), [list(faces_) for faces_ in zip(*columns)],
                    ['LR', 'bicubic', 'upright (true)', 'output', '|band error|', '|detail error|', 'HR'])
    print(f'wrote {args.out}/decomposition.md, .json, .png')


if __name__ == '__main__':
    main()
