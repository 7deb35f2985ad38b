"""Whether a refactoring kept behaviour bit for bit: the user commands on fixed inputs, digested.

    python tools/analysis/behaviour_fingerprint.py run OUT [--repo CHECKOUT]   # ~10 min on 2 cores
    python tools/analysis/behaviour_fingerprint.py compare BEFORE_OUT AFTER_OUT

``run`` runs, in CHECKOUT (default: this one; e.g. a ``git worktree`` of an older commit,
whose own ``dapfsr`` is imported), the plain test, the one-shot benchmark (the default row
with ``--unrefined-row``, MTDN + ASM, CPGAN, bicubic put upright), ``tools/adapt.py``,
``tools/infer.py`` on face crops and on the demo photo, the ONNX export and ``tools/demo.py
--fast`` on the real data ($DAPFSR_DATA_ROOT), then writes ``OUT/digest.json``: each output
file's digest (images by their decoded pixels, JSON without its timings, ``.pth`` files by
their tensors, ONNX by its outputs on a fixed input) and each config's resolved form and
built model's state (seed 0; the small profile's and the baselines'). ``compare`` lists what
differs, what is the same under another name, and the configs whose resolved form or model
changed.
"""
import argparse
import hashlib
import json
import os
import os.path as osp
import subprocess
import sys

import numpy as np

from dapfsr.utils.checkpoint import load_checkpoint_file
from dapfsr.utils.project_paths import PROJECT_ROOT

MODEL = 'configs/dapfsr/dapfsr_small_17k_celeba-hq.py'
ONE_SHOT = 'configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x5_lr-consistent.py'
CKPT = 'checkpoints/dapfsr_small_celebahq.pth'
TIMING_WORDS = ('time', 'second', 'date', 'elapsed', 'duration')


def commands(out, repo):
    """The user commands of a run, as argv lists (``tools/...`` relative to ``repo``)."""
    demo_photo = (['tools/misc/demo_photo.py'] if osp.exists(osp.join(repo, 'tools/misc/demo_photo.py'))
                  else ['tools/infer.py', '--demo-photo'])  # before the demo photo had its own tool
    o = lambda *parts: osp.join(out, *parts)  # noqa: E731
    return [
        ['tools/test.py', MODEL, CKPT, '--out', o('plain.json'), '--work-dir', o('w_plain'),
         '--cfg-options', 'test_dataloader.dataset.indices=40'],
        ['tools/test.py', ONE_SHOT, CKPT, '--one-shot', 'adapt', '--max-tasks', '2', '--unrefined-row',
         '--out', o('oneshot'), '--work-dir', o('w_oneshot')],
        ['tools/test.py', 'configs/mtdn/mtdn_small_2k_celeba-hq2yaleb_asm-20x2_lr-consistent.py',
         'checkpoints/mtdn_small_celebahq.pth', '--one-shot', 'adapt', '--max-tasks', '1',
         '--out', o('mtdn_asm'), '--work-dir', o('w_mtdn')],
        ['tools/test.py', 'configs/cpgan/cpgan_small_10k_celeba-hq2yaleb.py', 'checkpoints/cpgan_small_celebahq.pth',
         '--one-shot', 'source_only', '--max-tasks', '1', '--out', o('cpgan_src'), '--work-dir', o('w_cpgan')],
        ['tools/test.py', 'configs/bicubic/bicubic-aligned_x4_yaleb.py', '--one-shot', 'source_only',
         '--max-tasks', '1', '--out', o('bicubic_aligned'), '--work-dir', o('w_bicubic')],
        ['tools/adapt.py', ONE_SHOT, CKPT, '--split', 'A+000E+00', '--exemplar-seed', '1',
         '--out', o('adapted.pth'), '--work-dir', o('w_adapt')],
        ['tools/infer.py', MODEL, CKPT, o('in_crops'), o('out_crops')],
        demo_photo + [o('in_photo', 'astronaut.png')],
        ['tools/infer.py', MODEL, CKPT, o('in_photo'), o('out_photo'), '--side-by-side', '--save-crops'],
        ['tools/infer.py', 'configs/bicubic/bicubic_x4_celeba-hq.py', o('in_photo'), o('out_photo_bicubic')],
        ['tools/deployment/pytorch2onnx.py', MODEL, CKPT, o('model.onnx')],
        ['tools/demo.py', '--fast', '--work-dir', o('demo')],
    ]


def without_timings(value):
    if isinstance(value, dict):
        return {k: without_timings(v) for k, v in value.items() if not any(w in k.lower() for w in TIMING_WORDS)}
    return [without_timings(v) for v in value] if isinstance(value, list) else value


def digest_file(path):
    """What a file holds, independent of how it was encoded; None for a file not compared."""
    import torch
    from PIL import Image
    sha = hashlib.sha256()
    if path.endswith(('.png', '.jpg')):
        pixels = np.asarray(Image.open(path))
        sha.update(repr(pixels.shape).encode() + pixels.tobytes())
    elif path.endswith('.json'):
        with open(path) as f:
            sha.update(json.dumps(without_timings(json.load(f)), sort_keys=True).encode())
    elif path.endswith('.md'):  # a results table; its time column left out
        with open(path) as f:
            sha.update('\n'.join(line for line in f.read().splitlines()
                                 if not any(w in line.lower() for w in TIMING_WORDS)).encode())
    elif path.endswith('.pth'):
        def walk(value, key=''):
            if isinstance(value, torch.Tensor):
                sha.update(key.encode() + value.float().numpy().tobytes())
            elif isinstance(value, dict):
                for k in sorted(value, key=str):
                    walk(value[k], f'{key}/{k}')
        walk(load_checkpoint_file(path))
    elif path.endswith('.onnx'):
        import onnxruntime as ort
        session = ort.InferenceSession(path, providers=['CPUExecutionProvider'])
        spec = session.get_inputs()[0]
        shape = [d if isinstance(d, int) else 1 for d in spec.shape]
        out = session.run(None, {spec.name: np.random.RandomState(0).rand(*shape).astype(np.float32)})[0]
        sha.update(np.round(out, 4).tobytes())
    else:
        return None
    return sha.hexdigest()[:16]


def digest_folder(root):
    """{path relative to ``root``: digest} of the outputs below it (logs and dated run folders left out)."""
    found = {}
    for folder, _, files in os.walk(root):
        for name in files:
            rel = osp.relpath(osp.join(folder, name), root)
            if rel != 'digest.json' and not rel.startswith('logs') and '/vis_data/' not in rel and '/20' not in rel:
                digest = digest_file(osp.join(folder, name))
                if digest is not None:
                    found[rel] = digest
    return found


def digest_configs():
    """{config: {'cfg': resolved, 'state': digest of the built model}} of this process's dapfsr."""
    import glob

    import torch
    from dapfsr.registry import MODELS
    from dapfsr.setup_env import register_all_modules
    from dapfsr.utils import load_config
    register_all_modules()
    found = {}
    for path in sorted(glob.glob('configs/**/*.py', recursive=True)):
        if '/_base_/' in path:
            continue
        cfg = load_config(path)
        entry = found[path] = dict(cfg=json.loads(json.dumps(cfg.to_dict(), sort_keys=True, default=repr)))
        if '_paper_' in path:  # its ImageNet weights are not shipped
            continue
        try:
            torch.manual_seed(0)
            state = MODELS.build(cfg.model).state_dict()
        except (OSError, KeyError) as err:  # weights a user provides (AdaIN, the paper's)
            entry['state'] = f'not built: {type(err).__name__}'
            continue
        sha = hashlib.sha256()
        for key, value in sorted(state.items()):
            sha.update(key.encode() + value.float().numpy().tobytes())
        entry['state'] = sha.hexdigest()[:16]
    return found


def run(out, repo):
    out, repo = osp.abspath(out), osp.abspath(repo)
    env = dict(os.environ, PYTHONPATH=repo)
    os.makedirs(osp.join(out, 'logs'), exist_ok=True)
    os.makedirs(osp.join(out, 'in_photo'), exist_ok=True)
    data = osp.join(os.environ.get('DAPFSR_DATA_ROOT', osp.join(repo, '..', 'shared', 'data')), 'celeba_hq_128', 'test')
    os.makedirs(osp.join(out, 'in_crops'), exist_ok=True)
    for name in sorted(os.listdir(data))[:3]:
        with open(osp.join(data, name), 'rb') as src, open(osp.join(out, 'in_crops', name), 'wb') as dst:
            dst.write(src.read())
    steps = commands(out, repo)
    for number, argv in enumerate(steps, 1):
        print(f'[{number}/{len(steps)}] {" ".join(argv)}', flush=True)
        with open(osp.join(out, 'logs', f'{number:02d}.txt'), 'w') as log:
            status = subprocess.call([sys.executable] + argv, cwd=repo, env=env, stdout=log, stderr=log)
        if status:
            print(f'    exit status {status} (logs/{number:02d}.txt)', flush=True)
    print('[configs] resolving and building every config', flush=True)
    configs_file = osp.join(out, 'logs', 'configs.json')
    subprocess.check_call([sys.executable, osp.abspath(__file__), 'configs', configs_file], cwd=repo, env=env,
                          stdout=subprocess.DEVNULL)
    with open(configs_file) as f:
        configs = json.load(f)
    digest = dict(outputs=digest_folder(out), configs=configs)
    with open(osp.join(out, 'digest.json'), 'w') as f:
        json.dump(digest, f, indent=1, sort_keys=True)
    print(f'-> {osp.join(out, "digest.json")}')


def flat_differences(before, after, path=''):
    if isinstance(before, dict) and isinstance(after, dict):
        return [d for k in sorted(set(before) | set(after), key=str)
                for d in flat_differences(before.get(k, '<absent>'), after.get(k, '<absent>'), f'{path}.{k}')]
    return [] if before == after else [f'{path}: {str(before)[:60]} -> {str(after)[:60]}']


def compare(before, after):
    """Lines saying what differs between two ``digest.json`` files; [] when nothing does."""
    lines = []
    old, new = before['outputs'], after['outputs']
    by_digest = {d: name for name, d in new.items()}
    for name, digest in sorted(old.items()):
        if new.get(name) == digest:
            continue
        if name not in new and digest in by_digest:
            lines.append(f'same, renamed: {name} -> {by_digest[digest]}')
        else:
            lines.append(f'differs: {name}' if name in new else f'missing: {name}')
    lines += [f'new: {name}' for name in sorted(set(new) - set(old)) if new[name] not in old.values()]
    for config in sorted(set(before['configs']) & set(after['configs'])):
        b, a = before['configs'][config], after['configs'][config]
        if b.get('state') != a.get('state'):
            lines.append(f'model state differs: {config}')
        lines += [f'config {config}{d}' for d in flat_differences(b['cfg'], a['cfg'])]
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest='command', required=True)
    p = sub.add_parser('run', help='run the commands, digest their outputs')
    p.add_argument('out')
    p.add_argument('--repo', default=PROJECT_ROOT, help='the checkout to run (default: this one)')
    p = sub.add_parser('compare', help='what differs between two runs')
    p.add_argument('before')
    p.add_argument('after')
    p = sub.add_parser('configs', help=argparse.SUPPRESS)  # run's worker, in the checkout's own dapfsr
    p.add_argument('out')
    args = parser.parse_args(argv)
    if args.command == 'run':
        run(args.out, args.repo)
    elif args.command == 'configs':
        with open(args.out, 'w') as f:
            json.dump(digest_configs(), f)
    else:
        with open(osp.join(args.before, 'digest.json')) as f, open(osp.join(args.after, 'digest.json')) as g:
            lines = compare(json.load(f), json.load(g))
        print('\n'.join(lines) or 'identical: every output and every config')
        return 1 if any(not line.startswith('same, renamed') for line in lines) else 0


if __name__ == '__main__':
    sys.exit(main())
