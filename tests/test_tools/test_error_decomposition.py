"""tools/analysis/error_decomposition.py: the band and the detail add up to each row's error, and
the oracle rows order as their information does."""
import json
import math
import os.path as osp
import subprocess
import sys

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_bands_add_up_and_the_true_affine_beats_bicubic(tmp_path, yaleb_root):
    result = subprocess.run(
        [sys.executable, 'tools/analysis/error_decomposition.py', 'configs/bicubic/bicubic_x4_yaleb.py',
         '--splits', 'A+000E+20', '--aligner', 'checkpoints/affine_aligner_small_celebahq.pth',
         '--out', str(tmp_path)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=600,
        env={'OMP_NUM_THREADS': '1', 'DAPFSR_DATA_ROOT': osp.dirname(yaleb_root), 'PATH': '/usr/bin:/bin'})
    assert result.returncode == 0, result.stderr[-3000:]
    rows = json.loads((tmp_path / 'decomposition.json').read_text())['rows']
    for name, row in rows.items():
        if 'PSNR' in row:  # MSE = band + detail, [-1, 1] range, x1e3
            assert math.isclose(10 * math.log10(4 / ((row['band'] + row['detail']) / 1e3)), row['PSNR'],
                                abs_tol=0.02), name
    model, true = rows['model'], rows['bicubic, upright by the true affine']
    assert model == rows['bicubic']  # the config's model is bicubic
    assert true['PSNR'] > rows['bicubic, upright by the aligner\'s estimate']['PSNR'] > model['PSNR'] + 0.3
    assert rows['model, refined with the true affine']['band'] < 0.05 * model['band']
    assert rows['aligner, calibrated on the exemplar']['scale'] < rows['aligner, uncalibrated']['scale']
    assert (tmp_path / 'decomposition.png').is_file()


def test_exemplar_and_ceiling_rows_against_their_own_computation(tmp_path, yaleb_root, one_torch_thread,
                                                                build_tiny_model):
    # a tiny DAP-FSR on two real Yale B splits (16 / 8 px), adapted by a short DAMMA
    import numpy as np
    import torch
    from mmengine.dataset import pseudo_collate

    sys.path.insert(0, osp.join(REPO_ROOT, 'tests', 'test_adaptation'))
    from adaptation_helpers import HR_SIZE, LR_SIZE, TINY_MODEL, damma_cfg

    from dapfsr.adaptation import adapt
    from dapfsr.apis import init_model
    from dapfsr.datasets import protocol_config
    from dapfsr.models.editors.stylegan2 import fit_latents
    from dapfsr.registry import ADAPTATIONS
    from dapfsr.utils import load_config

    splits = ['A+000E+20', 'A-035E+15']
    pipeline = [dict(type='LoadFaceImage', key='gt', num_channels=3), dict(type='CropAndResize', keys=['gt'], size=HR_SIZE),
                dict(type='RandomFaceAffine', preset='moderate', seed=0),
                dict(type='MatlabResize', keys=['lr'], size=LR_SIZE), dict(type='PackFaceInputs')]
    target = dict(type='ExtendedYaleBDataset', data_root=yaleb_root, conditions=splits, test_mode=True,
                  pipeline=pipeline)
    config = tmp_path / 'tiny.py'
    config.write_text(f"model = {TINY_MODEL!r}\nadaptation = {damma_cfg(outer_iters=1, inner_iters=2)!r}\n"
                      f"one_shot_protocol = dict(type='OneShotProtocol', dataset={target!r}, exemplar_seeds=[0])\n"
                      f"test_dataloader = dict(dataset={target!r})\n")
    checkpoint = tmp_path / 'tiny.pth'
    torch.save(dict(state_dict=build_tiny_model().state_dict()), checkpoint)

    def decompose(out, *options):
        result = subprocess.run(
            [sys.executable, 'tools/analysis/error_decomposition.py', str(config), str(checkpoint),
             '--out', str(tmp_path / out), *options], cwd=REPO_ROOT, capture_output=True, text=True,
            timeout=600, env={'OMP_NUM_THREADS': '1', 'PATH': '/usr/bin:/bin'})
        assert result.returncode == 0, result.stderr[-3000:]
        return json.loads((tmp_path / out / 'decomposition.json').read_text())['rows']

    plain = decompose('plain')
    rows = decompose('rows', '--exemplars', '1', 'all', '--ceiling-steps', '20')
    assert rows['model'] == plain['model']  # each split's adaptations leave the source model
    one, every = (rows[f'model adapted to {k} exemplar(s) of the other half of the split'] for k in (1, 'all'))
    assert len({one['PSNR'], every['PSNR'], rows['model']['PSNR']}) == 3

    # the same rows computed here: each half adapted to the whole other half, and the HR faces
    # fitted through the source decoder
    cfg = load_config(str(config))
    model = init_model(cfg, str(checkpoint))
    source = {k: v.clone() for k, v in model.state_dict().items()}
    protocol = ADAPTATIONS.build(protocol_config(cfg))
    errors, fits, hrs = [], [], []
    for split in splits:
        test = protocol.test_dataset(protocol.task(split, 0))
        order = np.random.default_rng(0).permutation(len(test))
        first, second = sorted(order[:len(test) // 2].tolist()), sorted(order[len(test) // 2:].tolist())
        for faces, others in ((first, second), (second, first)):
            model.load_state_dict(source)
            adapt(model, [test[i] for i in others], cfg.adaptation, seed=0)
            model.eval()
            batch = model.data_preprocessor(pseudo_collate([test[i] for i in faces]))
            hr = model.data_preprocessor.stack_gt(batch['data_samples']).expand(-1, 3, -1, -1)
            with torch.no_grad():
                errors.append(model(batch['inputs'].expand(-1, 3, -1, -1), mode='tensor') - hr)
        model.load_state_dict(source)
        batch = model.data_preprocessor(pseudo_collate([test[i] for i in range(len(test))]))
        hr = model.data_preprocessor.stack_gt(batch['data_samples']).expand(-1, 3, -1, -1)
        fits.append(fit_latents(model.decoder, (hr + 1) / 2, 'wplus', steps=20, log=None)[0] * 2 - 1)
        hrs.append(hr)
    mse = torch.cat(errors).square().mean().item()
    assert math.isclose(10 * math.log10(4 / mse), every['PSNR'], abs_tol=1e-3)
    ceiling_mse = (torch.cat(fits) - torch.cat(hrs)).square().mean().item()
    assert math.isclose(10 * math.log10(4 / ceiling_mse), rows['W+ ceiling through the source decoder']['PSNR'],
                        abs_tol=1e-3)
    assert rows['W+ ceiling through the decoder adapted to 1 exemplar(s)']['PSNR'] != \
        rows['W+ ceiling through the source decoder']['PSNR']
