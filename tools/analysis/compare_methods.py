"""Several models side by side on the same faces: one grid, LR | bicubic | each model | HR.

    python tools/analysis/compare_methods.py \
        --faces configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb.py 0 10 ... \
        --faces configs/dapfsr/dapfsr_small_17k_celeba-hq.py 3 7 \
        --model PULSE configs/pulse/pulse_small_100_celeba-hq.py \
        --model DAP-FSR configs/dapfsr/dapfsr_small_17k_celeba-hq.py checkpoints/dapfsr_small_celebahq.pth \
        [--model NAME CONFIG [CHECKPOINT] ...] [--cell 128] [--out work_dirs/compare/grid.png]

``--faces CONFIG INDEX...`` (repeatable): faces of CONFIG's test set
(``test_dataloader.dataset``, its LR protocol), by index; the faces of a config
whose ``gray_output`` is set (a gray target such as Extended Yale B) are
super-resolved gray. ``--model NAME CONFIG [CHECKPOINT]`` (repeatable): a column,
built by :func:`dapfsr.apis.init_model` and run by :func:`dapfsr.apis.super_resolve`
(``test_step``), as ``tools/infer.py`` runs it; one model in memory at a time.
The bicubic column is the grid helper's (:func:`dapfsr.visualization.sr_grid_rows`,
MATLAB bicubic, the ``BicubicUpsampler`` of ``configs/bicubic``). Prints one line
per row (which face) and writes the grid (PNG).
"""
import argparse
import os.path as osp

from mmengine.config import Config

from dapfsr.apis import init_model, super_resolve
from dapfsr.datasets.transforms import image_to_tensor
from dapfsr.registry import DATASETS
from dapfsr.setup_env import register_all_modules
from dapfsr.visualization import save_image_grid, sr_grid_rows


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--faces', nargs='+', action='append', required=True,
                        metavar=('CONFIG', 'INDEX'), help='a config and indices into its test set')
    parser.add_argument('--model', nargs='+', action='append', required=True,
                        metavar=('NAME', 'CONFIG'), help='column title, config [and checkpoint]')
    parser.add_argument('--cell', type=int, default=128, help='side of a grid cell in pixels')
    parser.add_argument('--out', default='work_dirs/compare/grid.png', help='grid file (PNG)')
    args = parser.parse_args(argv)
    for faces in args.faces:
        if len(faces) < 2 or not all(i.isdigit() for i in faces[1:]):
            parser.error(f'--faces needs a config and face indices, got {" ".join(faces)}')
    for model in args.model:
        if len(model) not in (2, 3):
            parser.error(f'--model needs NAME CONFIG [CHECKPOINT], got {" ".join(model)}')
    return args


def load_faces(config, indices):
    """The test faces ``indices`` of ``config``: (samples, gray, description per face)."""
    cfg = Config.fromfile(config)
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    bad = [i for i in indices if i >= len(dataset)]
    if bad:
        raise SystemExit(f'error: {config}: face index {bad[0]} out of range ({len(dataset)} test faces)')
    samples = [dataset[i] for i in indices]
    names = [f'{osp.basename(config)} [{i}] {s["data_samples"].metainfo.get("img_key", "")}'
             for i, s in zip(indices, samples)]
    return samples, bool(cfg.get('gray_output', False)), names


def compare(face_groups, models):
    """Grid rows and column titles: LR, bicubic, every model's output, HR, a face a row.

    Args:
        face_groups (list[tuple]): (samples, gray) per face config, as :func:`load_faces`.
        models (list[tuple]): (name, config, checkpoint or None) per column.
    """
    lrs = [s['inputs'] for samples, _ in face_groups for s in samples]
    gts = [s['data_samples'].gt_img for samples, _ in face_groups for s in samples]
    columns = []
    for name, config, checkpoint in models:
        model = init_model(config, checkpoint)
        columns.append([image_to_tensor(img) for samples, gray in face_groups
                        for img in super_resolve(model, [s['inputs'] for s in samples], gray=gray)])
        del model
    titles = ['LR', 'bicubic'] + [name for name, _, _ in models] + ['HR']
    return sr_grid_rows(lrs, gts, columns), titles


def main(argv=None):
    args = parse_args(argv)
    register_all_modules()
    groups, names = [], []
    for config, *indices in args.faces:
        samples, gray, described = load_faces(config, [int(i) for i in indices])
        groups.append((samples, gray))
        names += described
    models = [(spec[0], spec[1], spec[2] if len(spec) == 3 else None) for spec in args.model]
    rows, titles = compare(groups, models)
    for number, name in enumerate(names):
        print(f'row {number}: {name}')
    save_image_grid(args.out, rows, titles, cell=args.cell)
    print(f'wrote {args.out}: {len(rows)} faces x {len(titles)} columns ({" | ".join(titles)})')
    return args.out


if __name__ == '__main__':
    main()
