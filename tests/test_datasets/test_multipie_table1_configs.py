"""Table 1's CelebA -> Multi-PIE and Multi-PIE -> Extended Yale B configs (paper profile) on a
tiny fake Multi-PIE tree (the data is licensed): every row has a config that composes its
source and target as the CelebA -> Extended Yale B rows do and builds its data, protocol and
adaptation; one-shot tasks run through tools/test.py, the bicubic row's PSNR checked against
MATLAB's bicubic written out here."""
import json
import math
import os.path as osp

import cv2
import numpy as np
import pytest
import torch

from dapfsr.datasets import MultiPIEDataset, protocol_config
from dapfsr.datasets.annotations import write_annotations
from dapfsr.registry import ADAPTATIONS, DATASETS, MODELS
from dapfsr.utils import load_config

from fake_face_trees import fake_multipie

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
BENCHMARKS = {'celeba2multipie': ('celeba', 'MultiPIEDataset', 'CelebA -> Multi-PIE'),
              'multipie2yaleb': ('multipie', 'ExtendedYaleBDataset', 'Multi-PIE -> Extended Yale B')}
SOURCES = ('pulse/pulse_paper_100', 'mtdn/mtdn_paper_100k', 'cpgan/cpgan_paper_200k', 'dapfsr/dapfsr_paper_100k')
# Table 1's rows: source only and + ASM for each method, DAP-FSR + DAMMA, bicubic
ROWS = [(f'{source}_{bench}{row}.py', bench) for bench in BENCHMARKS for source in SOURCES for row in ('', '_asm-250x2')]
ROWS += [(f'dapfsr/dapfsr_paper_100k_{bench}_damma-10x50.py', bench) for bench in BENCHMARKS]
ROWS += [('bicubic/bicubic_x8_multipie.py', 'celeba2multipie'), ('bicubic/bicubic_x8_multipie2yaleb.py', 'multipie2yaleb')]
BOX = [4, 10, 40, 44]  # every fake frame's face box (top, left, height, width)
# the paper DAP-FSR model narrowed for 2 cores (as tests/test_tools/test_readme_commands.py), DAMMA 1 x 1
TINY_DAPFSR = {'model.encoder.backbone.depth': 18, 'model.encoder.context_channels': 16,
               'model.encoder.ale_channels': 16, 'model.encoder.istn_channels': 4,
               'model.decoder.style_channels': 16, 'model.decoder.num_mlps': 1,
               **{f'model.decoder.channels.{res}': ch for res, ch in ((4, 16), (8, 16), (16, 8), (32, 8), (64, 4),
                                                                      (128, 4))},
               'model.perceptual.pretrained': None, 'model.perceptual.allow_random_weights': True,
               'adaptation.outer_iters': 1, 'adaptation.inner_iters': 1, 'adaptation.batch_size': 1}


@pytest.fixture(scope='module')
def multipie_root(tmp_path_factory):
    """A Multi-PIE tree with the 10 target conditions, 3 subjects, textured frames and face boxes."""
    folder, paths = fake_multipie(tmp_path_factory.mktemp('data') / 'Multi-PIE', subjects=('001', '002', '003'),
                                  cameras=('04_1', '05_0', '05_1', '14_0'),
                                  flashes=('00', '02', '04', '07', '10', '13', '16'))
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:48, 0:64] / 48
    for n, path in enumerate(paths):  # smooth colour patterns with noise: something to get wrong
        img = np.stack([np.sin(5 * x + n + c) * np.cos(4 * y - c) for c in range(3)], -1) * 90 + 128
        cv2.imwrite(path, np.clip(img + rng.normal(0, 6, img.shape), 0, 255).astype(np.uint8))
    dataset = MultiPIEDataset(folder, lazy_init=True)
    write_annotations(dataset, osp.join(folder, 'multipie_faces.json'), {info['img_path']: BOX for info in dataset.scan()})
    return folder


@pytest.fixture
def data_root(multipie_root, yaleb_root, tmp_path):
    """$DAPFSR_DATA_ROOT for the configs: the fake Multi-PIE and the real CroppedYale."""
    for name, target in (('Multi-PIE', multipie_root), ('CroppedYale', yaleb_root)):
        (tmp_path / name).symlink_to(target)
    return tmp_path


def load(config, data_root, monkeypatch):
    monkeypatch.setenv('DAPFSR_DATA_ROOT', str(data_root))
    return load_config(osp.join(REPO_ROOT, 'configs', config))


@pytest.mark.parametrize('config,bench', ROWS, ids=[osp.basename(r) for r, _ in ROWS])
def test_row_composes_and_builds(config, bench, data_root, monkeypatch):
    source_name, target_type, benchmark = BENCHMARKS[bench]
    cfg = load(config, data_root, monkeypatch)
    assert cfg.benchmark_name == benchmark
    dataset = cfg.test_dataloader.dataset
    assert dataset.type == target_type and len(dataset.conditions) == 10
    if not config.startswith('bicubic'):  # the target faces made as the source model's test faces
        source = load(f"{config.split(f'_{bench}')[0]}_{source_name}.py", data_root, monkeypatch)
        assert dataset.pipeline == source.test_pipeline and dataset.pipeline[1]['size'] == 128
        assert source.train_dataloader in (None, cfg.train_dataloader)
        expected = {'celeba': 'CelebADataset', 'multipie': 'MultiPIEDataset'}[source_name]
        assert (source.train_dataloader or source.test_dataloader).dataset.type == expected
        if 'decoder_checkpoint' in source.model:  # the GAN prior is the source domain's
            assert source.model.decoder_checkpoint == f'checkpoints/stylegan2_{source_name}128.pth'
    protocol = ADAPTATIONS.build(protocol_config(cfg))  # tasks from the test set
    assert protocol.splits == list(dataset.conditions) and len(protocol.tasks()) == 100
    assert DATASETS.build(dataset)[0]['data_samples'].gt_img.shape == (3, 128, 128)
    adaptation = cfg.get('adaptation')
    if '_asm-' in config:  # ASM stylises the source domain's training faces
        faces = adaptation.augmenter.source_faces
        assert faces.type == ('MultiPIEDataset' if source_name == 'multipie' else 'CelebADataset')
        if source_name == 'multipie':
            assert DATASETS.build(faces)[0]['gt'].shape == (128, 128, 3)
        with pytest.raises(FileNotFoundError, match='checkpoint not found'):  # RAIN's, not on this machine
            ADAPTATIONS.build(adaptation)
    elif '_damma-' in config:
        assert (adaptation.outer_iters, adaptation.inner_iters) == (10, 50)
        ADAPTATIONS.build(adaptation)
    else:
        assert adaptation is None


def run_one_task(tool_runner, data_root, tmp_path, config, mode, checkpoint=(), options=()):
    """tools/test.py CONFIG [CHECKPOINT] --one-shot MODE --max-tasks 1 --cfg-options OPTIONS (PSNR
    and SSIM only, exemplar seed 0): its results row."""
    test_config, out = tmp_path / 'config.py', tmp_path / 'results'
    test_config.write_text(f"_base_ = [{osp.join(REPO_ROOT, 'configs', config)!r}]\n"
                           "test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]\n")
    result = tool_runner.run(['test.py', str(test_config), *checkpoint, '--one-shot', mode, '--max-tasks', '1',
                              '--work-dir', str(tmp_path / 'w'), '--out', str(out), '--cfg-options',
                              'one_shot_protocol.exemplar_seeds=[0]', 'test_dataloader.num_workers=0',
                              'test_dataloader.persistent_workers=False', *options],
                             timeout=300, env={'DAPFSR_DATA_ROOT': str(data_root)})
    assert result['status'] == 0, result['stderr'][-3000:]
    (row, ) = json.loads(out.with_suffix('.json').read_text())['rows'].values()
    return row


def matlab_bicubic_up(img, scale):
    """MATLAB's imresize(img, scale, 'bicubic') for an integer upscale of an (H, W, C) float
    image: the cubic kernel with a = -0.5, edges mirrored (no antialiasing when upscaling)."""
    def cubic(d):
        d = np.abs(d)
        return np.where(d <= 1, 1.5 * d**3 - 2.5 * d**2 + 1, np.where(d < 2, -0.5 * d**3 + 2.5 * d**2 - 4 * d + 2, 0))

    def weights(n):
        x = (np.arange(n * scale) + 0.5) / scale - 0.5
        taps = np.floor(x)[:, None] - 1 + np.arange(4)
        matrix = np.zeros((n * scale, n))
        for row, (tap_row, w_row) in enumerate(zip(taps.astype(int), cubic(x[:, None] - taps))):
            for tap, w in zip(tap_row, w_row):
                matrix[row, -tap - 1 if tap < 0 else (2 * n - 1 - tap if tap >= n else tap)] += w
        return matrix

    rows, cols = weights(img.shape[0]), weights(img.shape[1])
    return np.einsum('ah,hwc,bw->abc', rows, img, cols)


def test_bicubic_celeba2multipie_one_task_scores_matlab_bicubic(tool_runner, data_root, tmp_path, monkeypatch):
    row = run_one_task(tool_runner, data_root, tmp_path, 'bicubic/bicubic_x8_multipie.py', 'source_only')
    cfg = load('bicubic/bicubic_x8_multipie.py', data_root, monkeypatch)
    protocol = ADAPTATIONS.build(protocol_config(cfg))
    task = protocol.tasks()[0]
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    psnrs = []
    for index in task.test_indices:  # the faces the tool tested, made by the config's pipeline
        item = dataset[index]
        lr = item['inputs'].permute(1, 2, 0).double().numpy()  # [0, 1], as gt_img
        gt = item['data_samples'].gt_img.permute(1, 2, 0).double().numpy()
        sr = np.clip(matlab_bicubic_up(lr, 8), 0, 1)
        psnrs.append(10 * math.log10(1 / np.mean((sr - gt)**2)))
    assert len(psnrs) == 2  # 3 subjects: one exemplar, two test faces
    assert row['PSNR'] == pytest.approx(np.mean(psnrs), abs=1e-6)


@pytest.mark.parametrize('config', ['dapfsr/dapfsr_paper_100k_celeba2multipie_damma-10x50.py',
                                    'dapfsr/dapfsr_paper_100k_multipie2yaleb_damma-10x50.py'])
def test_dapfsr_damma_adapts_one_task(config, tool_runner, data_root, tmp_path, monkeypatch):
    """The paper model narrowed and randomly initialised (its checkpoint written here): DAMMA
    1 x 1 on the task's exemplar, then its test faces (3 subjects: 2 test faces)."""
    options = dict(TINY_DAPFSR)
    if 'yaleb' in config:
        options['test_dataloader.dataset.subjects'] = ['yaleB01', 'yaleB02', 'yaleB03']
    cfg = load(config, data_root, monkeypatch)
    cfg.merge_from_dict(options)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.decoder.update_latent_statistics(256, generator=torch.Generator().manual_seed(0))
    torch.save(dict(state_dict=model.state_dict()), tmp_path / 'source.pth')
    row = run_one_task(tool_runner, data_root, tmp_path, config, 'adapt', [str(tmp_path / 'source.pth')],
                       [f'{key}={value}' for key, value in options.items()])
    assert math.isfinite(row['PSNR']) and 0 < row['SSIM'] < 1
