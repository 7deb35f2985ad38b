"""Every adaptation config parses, builds its adaptation and degrades like its target data."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from dapfsr.adaptation import DAMMA, Exemplars, OneShotAdaptation
from dapfsr.datasets import protocol_config
from dapfsr.registry import ADAPTATIONS, MODELS

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
# <source>_<target>_<adaptation>-<outer>x<inner>.py, of every method
CONFIGS = sorted(glob.glob(osp.join(REPO_ROOT, 'configs', '*', '*2yaleb_*-[0-9]*x[0-9]*.py')))


def test_every_table_row_has_a_config_in_both_profiles():
    names = {osp.basename(p) for p in CONFIGS}
    # Table 1's one-shot half (each method + ASM) and Table 3's ASM row
    for source in ('pulse_small_100', 'mtdn_small_2k', 'cpgan_small_10k', 'dapfsr_small_17k'):
        assert f'{source}_celeba-hq2yaleb_asm-20x2.py' in names
    for source in ('pulse_paper_100', 'mtdn_paper_100k', 'cpgan_paper_200k', 'dapfsr_paper_100k'):
        assert f'{source}_celeba2yaleb_asm-250x2.py' in names
    for source, schedule in (('dapfsr_paper_100k_celeba2yaleb', '10x50'),
                             ('dapfsr_small_17k_celeba-hq2yaleb', '3x15')):
        # Table 2 rows F, E, D; Table 3's direct fine-tuning and style transfer
        for row in ('damma', 'damma-decoder', 'damma-hardmix-decoder', 'direct-ft', 'adain-ft'):
            assert f'{source}_{row}-{schedule}.py' in names
        cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', 'dapfsr', f'{source}_damma-{schedule}.py'))
        assert (cfg.adaptation.outer_iters, cfg.adaptation.inner_iters) == tuple(map(int, schedule.split('x')))


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_adaptation_config(path, request):
    cfg = Config.fromfile(path)
    if cfg.model.type == 'DAPFSR':
        # the trained checkpoint holds the decoder; the small profile's committed file leaves
        # it to the committed decoder file (the house rule: committed weights under 20 MB)
        expected = 'checkpoints/stylegan2_small_celebahq64.pth' if '_small_' in path else None
        assert cfg.model.decoder_checkpoint == expected
    assert {'one_shot_protocol', 'test_evaluator', 'adaptation'} <= set(cfg)
    assert protocol_config(cfg)['dataset'] == cfg.test_dataloader.dataset  # tasks from the test set
    augmenter = (cfg.adaptation.get('augmenter') or {}).get('type')
    if augmenter == 'AdaINStyleTransfer':
        with pytest.raises(FileNotFoundError, match='AdaIN weights not found'):
            ADAPTATIONS.build(cfg.adaptation)
        return
    target = cfg.test_dataloader.dataset.pipeline
    target_hr_size = [t['size'] for t in target if 'gt' in t.get('keys', ())][-1]
    if '_paper_' in path and augmenter == 'AdversarialStyleMining':
        # RAIN's VGG-19 and its trained weights are not on this machine; the source faces
        # come at the target's HR size
        assert cfg.adaptation.augmenter.source_faces.pipeline[-1]['size'] == target_hr_size
        with pytest.raises(FileNotFoundError, match='checkpoint not found'):
            ADAPTATIONS.build(cfg.adaptation)
        return
    if augmenter == 'AdversarialStyleMining':  # ASM samples the source training faces
        request.getfixturevalue('celeba_hq_root')
    damma = ADAPTATIONS.build(cfg.adaptation)
    # Algorithm 1 where the pairs come from mixed latents, the bare loop for every other augmenter
    assert type(damma) is (DAMMA if augmenter in ('SoftLatentMixing', 'HardLatentMixing') else OneShotAdaptation)
    lr_size = next(t['size'] for t in target if t['type'] == 'MatlabResize' and 'lr' in t['keys'])
    if '_paper_' in path:  # its ImageNet weights (ResNet-50, VGG-19) are not on this machine
        hr_size = target_hr_size
    else:
        model = MODELS.build(cfg.model)
        assert damma.trainable_parameters(model)  # every named group exists and is not empty
        hr_size = model.hr_size
    if augmenter == 'AdversarialStyleMining':
        exemplar = torch.zeros(1, 3, hr_size, hr_size)
        damma.augmenter.reset(model, Exemplars(exemplar, damma.degradation(exemplar)), 1)
        assert damma.augmenter.content.shape == (1, 3, hr_size, hr_size)  # source faces at the model's size
    lr = damma.degradation(torch.zeros(1, 3, hr_size, hr_size))
    assert lr.shape == (1, 3, lr_size, lr_size)
    affine = next(t for t in target if t['type'] == 'RandomFaceAffine')
    assert [t['preset'] for t in cfg.adaptation.degradation if t['type'] == 'RandomFaceAffine'] == \
        [affine['preset']]
