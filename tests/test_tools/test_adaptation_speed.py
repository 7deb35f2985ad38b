"""tools/benchmarks/adaptation_speed.py: an adaptation's time split into its parts, same result."""
import os.path as osp
import sys
import time

import torch

sys.path.insert(0, osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'test_adaptation'))
sys.path.insert(0, osp.join(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))),
                            'tools', 'benchmarks'))
import adaptation_speed  # noqa: E402
from adaptation_helpers import damma_cfg, make_exemplars  # noqa: E402

from dapfsr.registry import ADAPTATIONS, MODELS  # noqa: E402


def test_parts_cover_the_run_and_leave_the_adaptation_unchanged(build_tiny_model):
    exemplars = make_exemplars()
    plain = build_tiny_model()
    ADAPTATIONS.build(damma_cfg()).run(plain, exemplars, seed=0)
    model, damma, timer = build_tiny_model(), ADAPTATIONS.build(damma_cfg()), adaptation_speed.PartTimer()
    adaptation_speed.instrument(model, damma, timer)
    start = time.perf_counter()
    damma.run(model, exemplars, seed=0)
    total = time.perf_counter() - start
    adaptation_speed.separate_backward(timer)
    assert set(timer.seconds) == {'decoder forward', 'perceptual forward (F)', 'encoder forward',
                                  'LR degradation', 'backward', 'optimizer step'}
    assert all(s > 0 for s in timer.seconds.values()) and sum(timer.seconds.values()) <= total
    for name, value in plain.state_dict().items():  # timing changes nothing it measures
        assert torch.equal(value, model.state_dict()[name]), name


def test_an_asm_row_of_a_baseline_is_timed_by_its_own_parts(tmp_path, celeba_hq_root):
    from test_style_mining import TINY_MTDN, TINY_RAIN, asm_cfg, real_exemplar
    torch.manual_seed(0)
    rain = tmp_path / 'rain.pth'
    torch.save(dict(state_dict=MODELS.build(TINY_RAIN).state_dict()), rain)
    model = MODELS.build(TINY_MTDN).eval()
    damma = ADAPTATIONS.build(damma_cfg(type='OneShotAdaptation', outer_iters=1, inner_iters=2, batch_size=2,
                                        lr_alpha=1.0, trainable='generator', augmenter_optimizer=dict(type='SGD'),
                                        augmenter=asm_cfg(str(rain), celeba_hq_root, model.hr_size)))
    timer = adaptation_speed.PartTimer()
    adaptation_speed.instrument(model, damma, timer)
    damma.run(model, real_exemplar(celeba_hq_root, model.hr_size), seed=0)
    adaptation_speed.separate_backward(timer)
    # MTDN has no decoder, encoder or F: its generator and ASM's style network are timed
    assert set(timer.seconds) == {'generator forward', 'style network (stylize)', 'LR degradation',
                                  'backward', 'optimizer step'}
    assert all(s > 0 for s in timer.seconds.values())
