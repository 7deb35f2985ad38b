"""The main job, offline: adapt the committed small-profile DAP-FSR model to a target
domain from one exemplar per condition, and compare bicubic, source-only and adapted
results (tables and pictures).

    python tools/demo.py [--work-dir work_dirs/demo] [--data-root DIR] [--train] [--fast]

Model: ``checkpoints/dapfsr_small_celebahq.pth``, the small profile (16 -> 64 px)
trained on CelebA-HQ (configs/dapfsr/dapfsr_small_17k_celeba-hq.py), adapted with
configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py's DAMMA schedule: as the paper has
it, and with every output made consistent with its LR face (``..._lr-consistent.py``, the
default one-shot row, beyond the paper), beside bicubic and bicubic put upright by the same
aligner (the honest floor).

Default data: the real CelebA-HQ -> Extended Yale B benchmark of the small profile
when ``$DAPFSR_DATA_ROOT`` (default ../shared/data, or ``--data-root DIR``) holds
``celeba_hq_128`` and ``CroppedYale``: three light directions (frontal, 50 deg left and
right), exemplar seed 0, each split's test faces the other subjects; ``--splits all``
takes the 10 of Table 1. Faces the model has the detail for: 64 px ground truth from
real 168 x 192 photos, the domain gap DAMMA is for.

Without that data (or with ``--lfw``), offline and nothing downloaded: the 100 LFW
faces that scikit-image ships (``skimage.data.lfw_subset()``, 25 x 25 gray), the target
domain faces 80-99 under two synthetic light directions (:func:`relight`: a horizontal
shading ramp from the lit side, ``0.15 + 0.85 * ramp``, then a gamma of 1.6, as harsh
side light darkens Extended Yale B faces), one split each. The 25 px faces are brought
to 128 px before the LR face is made, so the ground truth is a blur that favours
bicubic: those numbers show that the stages run, not what the method does.

``--train`` first trains the demo's tiny decoder and encoder (configs/demo/, 8 -> 32
px) for minutes on the source faces (LFW faces 0-79, or 2,000 CelebA-HQ faces with
``--data-root``): every stage of the toolbox, train / adapt / test, in one run.
"""
import argparse
import glob
import json
import os
import os.path as osp
import subprocess
import sys
import time

import numpy as np

from mmengine.runner import find_latest_checkpoint

from dapfsr.evaluation.results_table import write_results
from dapfsr.utils.fileio import write_image

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIGS = osp.join(REPO_ROOT, 'configs', 'demo')
SMALL_CHECKPOINT = osp.join(REPO_ROOT, 'checkpoints', 'dapfsr_small_celebahq.pth')
YALEB_SPLITS = ('A+000E+00', 'A+050E+00', 'A-050E+00')


GET_THE_DATA = '''[demo] The real benchmark (CelebA-HQ -> Extended Yale B) is not here; to run it, put under
[demo] $DAPFSR_DATA_ROOT (default ../shared/data beside this clone, or --data-root DIR):
[demo]   celeba_hq_128/  CelebA-HQ (CelebAMask-HQ's CelebA-HQ-img, https://github.com/switchablenorms/CelebAMask-HQ):
[demo]     python tools/dataset_converters/celeba_hq.py CelebAMask-HQ/CelebA-HQ-img DATA_ROOT/celeba_hq_128
[demo]   CroppedYale/    Extended Yale B, cropped release (CroppedYale.zip,
[demo]     http://vision.ucsd.edu/~leekc/ExtYaleDatabase/ExtYaleB.html): unzip it into DATA_ROOT
[demo] (docs/datasets.md has every layout and converter)'''


def real_data_root(given):
    """``given``, else $DAPFSR_DATA_ROOT or ../shared/data when it holds both benchmark sets."""
    root = given or os.environ.get('DAPFSR_DATA_ROOT') or osp.join(REPO_ROOT, '..', 'shared', 'data')
    found = all(osp.isdir(osp.join(root, name)) for name in ('celeba_hq_128', 'CroppedYale'))
    if given and not found:
        sys.exit(f'[demo] --data-root {given} lacks celeba_hq_128/ or CroppedYale/')
    return osp.abspath(root) if found else None


def relight(face, side):
    """Harsh side light on a gray face in [0, 1]: shading ramp from ``side``, gamma 1.6."""
    ramp = np.linspace(1.0, 0.0, face.shape[1]) if side == 'left' else np.linspace(0.0, 1.0, face.shape[1])
    return np.clip(face * (0.15 + 0.85 * ramp[None, :]), 0, 1) ** 1.6


def prepare_offline_data(root):
    from skimage.data import lfw_subset
    faces = lfw_subset()[:100]  # the first 100 images are faces, the rest are not
    os.makedirs(osp.join(root, 'source'), exist_ok=True)
    for i, face in enumerate(faces[:80]):
        write_image(osp.join(root, 'source', f'lfw{i:03d}.png'), face)
    for side in ('left', 'right'):
        os.makedirs(osp.join(root, 'target', f'light_{side}'), exist_ok=True)
        for i, face in enumerate(faces[80:], 80):
            write_image(osp.join(root, 'target', f'light_{side}', f'lfw{i:03d}.png'), relight(face, side))
    return 'LFW (scikit-image) -> LFW under synthetic side light'


def link_all(paths, folder):
    os.makedirs(folder, exist_ok=True)
    for path in paths:
        link = osp.join(folder, osp.basename(path))
        if not osp.lexists(link):
            os.symlink(osp.abspath(path), link)


def prepare_real_data(root, data_root, num_source):
    celeba = sorted(glob.glob(osp.join(data_root, 'celeba_hq_128', 'train', '*.jpg')))
    if not celeba:
        sys.exit(f'no CelebA-HQ faces in {osp.join(data_root, "celeba_hq_128", "train")}')
    link_all(celeba[:num_source], osp.join(root, 'source'))
    for split in YALEB_SPLITS:
        frames = sorted(glob.glob(osp.join(data_root, 'CroppedYale', 'yaleB*', f'yaleB*_P00{split}.pgm')))
        if not frames:
            sys.exit(f'no Extended Yale B frames of condition {split} under {data_root}/CroppedYale')
        link_all(frames, osp.join(root, 'target', split))
    return f'CelebA-HQ ({num_source} faces) -> Extended Yale B ({", ".join(YALEB_SPLITS)})'


def run(stage, args, log):
    """Run a tool of this repository, its output to ``log``; stop on failure."""
    start = time.perf_counter()
    print(f'[demo] {stage} ...', flush=True)
    with open(log, 'w') as f:
        result = subprocess.run([sys.executable, *args], stdout=f, stderr=subprocess.STDOUT, cwd=REPO_ROOT)
    if result.returncode:
        sys.exit(f'[demo] {stage} failed (exit {result.returncode}); see {log}')
    print(f'[demo] {stage}: {time.perf_counter() - start:.0f} s (log: {log})', flush=True)


def latest_checkpoint(work_dir):
    """The checkpoint the run's ``last_checkpoint`` names (written after each complete save)."""
    found = find_latest_checkpoint(work_dir)
    if not found:
        sys.exit(f'[demo] no checkpoint in {work_dir}')
    return found


def train_tiny_models(work, iters):
    """Stages 1-2 of the --train variant: the demo's tiny decoder, then its encoder."""
    tools = osp.join(REPO_ROOT, 'tools')
    run('train the decoder (StyleGAN2)', [
        osp.join(tools, 'train.py'), osp.join(CONFIGS, 'stylegan2_demo.py'), '--work-dir',
        osp.join(work, 'decoder'), '--cfg-options', f'train_cfg.max_iters={iters["decoder"]}',
        f'default_hooks.checkpoint.interval={iters["decoder"]}',
        f'custom_hooks.0.interval={iters["decoder"]}'], osp.join(work, 'decoder.log'))
    decoder = osp.join(work, 'decoder.pth')
    run('publish the EMA generator', [
        osp.join(tools, 'model_converters', 'publish_model.py'),
        latest_checkpoint(osp.join(work, 'decoder')), decoder, '--prefix', 'generator_ema'],
        osp.join(work, 'publish.log'))
    run('train the encoder (DAP-FSR, decoder frozen)', [
        osp.join(tools, 'train.py'), osp.join(CONFIGS, 'dapfsr_demo.py'), '--work-dir',
        osp.join(work, 'encoder'), '--cfg-options', f'model.decoder_checkpoint={decoder}',
        f'train_cfg.max_iters={iters["encoder"]}', f'default_hooks.checkpoint.interval={iters["encoder"]}'],
        osp.join(work, 'encoder.log'))
    return latest_checkpoint(osp.join(work, 'encoder'))


def main():
    parser = argparse.ArgumentParser(description='dapfsr main job: adapt and test (offline)')
    parser.add_argument('--work-dir', default='work_dirs/demo')
    parser.add_argument('--data-root', help='CelebA-HQ -> Extended Yale B from this folder '
                        '(default: $DAPFSR_DATA_ROOT or ../shared/data where present)')
    parser.add_argument('--lfw', action='store_true',
                        help='the offline LFW data even where the real benchmark data is present')
    parser.add_argument('--splits', default=','.join(YALEB_SPLITS),
                        help='Extended Yale B light directions, comma-separated, or "all"')
    parser.add_argument('--train', action='store_true',
                        help='first train the tiny demo decoder and encoder (8 -> 32 px) on the '
                             'source faces, instead of using the committed small-profile model')
    parser.add_argument('--num-source', type=int, default=2000,
                        help='CelebA-HQ faces to train on with --train --data-root')
    parser.add_argument('--fast', action='store_true', help='a few iterations per stage (a smoke run)')
    args = parser.parse_args()
    if not args.train and not osp.isfile(SMALL_CHECKPOINT):
        sys.exit(f'[demo] {SMALL_CHECKPOINT} is missing: restore it (git checkout) or run with --train')
    work = osp.abspath(args.work_dir)
    os.makedirs(work, exist_ok=True)
    data = osp.join(work, 'data')
    os.environ['DAPFSR_DEMO_DATA'] = data
    os.environ.setdefault('OMP_NUM_THREADS', '2')
    start = time.perf_counter()
    data_root = None if args.lfw else real_data_root(args.data_root)
    if data_root and args.train:
        benchmark = prepare_real_data(data, data_root, args.num_source)
    elif data_root:  # the committed model on the real benchmark: no copies, no links
        os.environ['DAPFSR_DATA_ROOT'] = data_root
        splits = '10 light directions' if args.splits == 'all' else args.splits
        benchmark = f'CelebA-HQ -> Extended Yale B ({splits}) in {data_root}'
    else:
        print(GET_THE_DATA)
        benchmark = prepare_offline_data(data)
    print(f'[demo] data: {benchmark}' + ('' if data_root and not args.train else f' in {data}'))
    iters = dict(decoder=20, encoder=20, outer=1, inner=2) if args.fast else \
        dict(decoder=400, encoder=300, outer=2, inner=10)
    adaptation = [f'adaptation.outer_iters={iters["outer"]}', f'adaptation.inner_iters={iters["inner"]}']
    protocol = []
    if args.train:  # the tiny 8 px models: no aligner for their LR size, no refined rows
        checkpoint = train_tiny_models(work, iters)
        configs = dict(bicubic=osp.join(CONFIGS, 'bicubic_demo.py'), model=osp.join(CONFIGS, 'adapt_demo.py'))
    else:
        checkpoint = SMALL_CHECKPOINT
        adaptation = adaptation if args.fast else []  # the small profile's own schedule
        if data_root:
            configs = dict(
                bicubic=osp.join(REPO_ROOT, 'configs', 'bicubic', 'bicubic_x4_yaleb.py'),
                bicubic_aligned=osp.join(REPO_ROOT, 'configs', 'bicubic', 'bicubic-aligned_x4_yaleb.py'),
                model=osp.join(REPO_ROOT, 'configs', 'dapfsr', 'dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py'),
                refined=osp.join(REPO_ROOT, 'configs', 'dapfsr',
                                 'dapfsr_small_17k_celeba-hq2yaleb_damma-3x5_lr-consistent.py'))
            protocol = ['one_shot_protocol.exemplar_seeds=[0]']  # one task per split
            if args.splits != 'all':
                protocol.append(f'one_shot_protocol.splits=[{args.splits}]')
        else:
            configs = dict(bicubic=osp.join(CONFIGS, 'bicubic_small_demo.py'),
                           bicubic_aligned=osp.join(CONFIGS, 'bicubic-aligned_small_demo.py'),
                           model=osp.join(CONFIGS, 'adapt_small_demo.py'),
                           refined=osp.join(CONFIGS, 'adapt_small_demo_lr-consistent.py'))
    tools = osp.join(REPO_ROOT, 'tools')
    rows = {}
    # (row, results stem, config, checkpoint, mode, options); the last row is the default one-shot
    # DAP-FSR, the one above it DAMMA as Algorithm 1 has it: phi on the generated pairs only
    # (exemplar_weight 0, as in _damma-generated-pairs-3x15.py), no refinement
    plan = [('Bicubic', 'bicubic', configs['bicubic'], [], 'source_only', protocol),
            ('Bicubic, aligned (beyond the paper)', 'bicubic_aligned', configs.get('bicubic_aligned'), [],
             'source_only', protocol),
            ('DAP-FSR source only', 'source_only', configs['model'], [checkpoint], 'source_only', protocol),
            ('DAP-FSR one-shot (DAMMA, as in the paper)', 'damma', configs['model'], [checkpoint], 'adapt',
             protocol + adaptation + ['adaptation.exemplar_weight=0.0']),
            ('DAP-FSR one-shot (DAMMA + LR consistency: default)', 'damma_lr-consistent', configs.get('refined'),
             [checkpoint], 'adapt', protocol + adaptation)]
    for name, slug, config, weights, mode, options in plan:
        if config is None:
            continue
        stem = osp.join(work, f'results_{slug}')
        config_name = osp.splitext(osp.basename(config))[0]
        run(f'test: {name}', [
            osp.join(tools, 'test.py'), config, *weights, '--one-shot', mode,
            '--name', name, '--work-dir', osp.join(work, f'test_{config_name}'), '--out', stem,
            *(['--cfg-options', *options] if options else [])], stem + '.log')
        rows[name] = stem
    results = {name: json.load(open(stem + '.json')) for name, stem in rows.items()}
    md, _ = write_results(osp.join(work, 'results'), {n: r['rows'][n] for n, r in results.items()},
                          f'demo: {benchmark}', expected=results['Bicubic']['expected'])
    print(open(md).read())
    grids = sorted(glob.glob(osp.join(work, 'test_*', 'grid_*.png')))
    print(f'[demo] pictures: {", ".join(grids)}')
    if args.train:
        samples = sorted(glob.glob(osp.join(work, 'decoder', 'samples', '*.png')))
        print(f'[demo] decoder samples: {", ".join(samples)}')
    print(f'[demo] done in {time.perf_counter() - start:.0f} s; results in {md}')


if __name__ == '__main__':
    main()
