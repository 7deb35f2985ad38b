import copy
from types import SimpleNamespace

import cv2
import pytest
import torch
from mmengine.logging import MessageHub

from dapfsr.engine.hooks.result_grid_hook import RESULT_NAME_KEY
from dapfsr.registry import HOOKS, VISUALIZERS
from dapfsr.structures import FaceSRDataSample
from conftest import HR_SIZE, LR_SIZE


def face_batch(n, with_gt=True):
    torch.manual_seed(0)
    samples = []
    for i in range(n):
        sample = FaceSRDataSample(lr_img=torch.rand(3, LR_SIZE, LR_SIZE))
        if with_gt:
            sample.gt_img = torch.rand(3, HR_SIZE, HR_SIZE)
        samples.append(sample)
    return dict(inputs=[s.lr_img for s in samples], data_samples=samples)


@pytest.mark.parametrize('with_gt', [True, False])
def test_first_batch_of_test_and_val_runs_becomes_a_grid(tmp_path, with_gt, build_tiny_model):
    model = build_tiny_model()
    batch = face_batch(3, with_gt)
    with torch.no_grad():
        outputs = model.test_step(copy.deepcopy(batch))
    hook = HOOKS.build(dict(type='ResultGridHook', num_faces=2))
    # the visualizer of configs/_base_/default_runtime.py, as a Runner builds it
    visualizer = VISUALIZERS.build(dict(type='FaceSRVisualizer', name=f'grid_hook_{tmp_path.name}',
                                        vis_backends=[dict(type='FaceSRLocalVisBackend')],
                                        save_dir=str(tmp_path / 'log')))
    runner = SimpleNamespace(work_dir=str(tmp_path), iter=7, visualizer=visualizer,
                             message_hub=MessageHub(f'grid_hook_plain_{tmp_path.name}'))
    hook.after_test_iter(runner, 0, batch, outputs)
    hook.after_test_iter(runner, 1, batch, outputs)  # later batches are not drawn
    hook.after_val_iter(runner, 0, batch, outputs)
    assert sorted(p.name for p in (tmp_path / 'grids').iterdir()) == ['test.png', 'val_iter_7.png']
    grid = cv2.imread(str(tmp_path / 'grids' / 'test.png'))
    columns = 4 if with_gt else 3  # LR, bicubic, output[, ground truth]
    cell, pad, title = 128, 2, 16
    assert grid.shape == (title + 2 * (cell + pad) + pad, columns * (cell + pad) + pad, 3)
    # the output column holds the model's prediction, upscaled by nearest neighbour
    pred = (outputs[1].pred_img.clamp(0, 1) * 255).round().byte().permute(1, 2, 0).numpy()
    y, x = title + pad + (cell + pad), pad + 2 * (cell + pad)
    block = grid[y:y + cell, x:x + cell, ::-1]
    assert abs(int(block[0, 0, 0]) - int(pred[0, 0, 0])) <= 1
    assert abs(int(block[-1, -1, 2]) - int(pred[-1, -1, 2])) <= 1


def test_grids_reach_tensorboard_under_their_names(tmp_path, build_tiny_model):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    model = build_tiny_model()
    batch = face_batch(2)
    with torch.no_grad():
        outputs = model.test_step(copy.deepcopy(batch))
    visualizer = VISUALIZERS.build(dict(type='FaceSRVisualizer', name=f'grid_hook_tb_{tmp_path.name}',
                                        vis_backends=[dict(type='TensorboardVisBackend')],
                                        save_dir=str(tmp_path / 'log')))
    message_hub = MessageHub(f'grid_hook_{tmp_path.name}')
    message_hub.update_info(RESULT_NAME_KEY, 'test_A+000E+00_seed1')  # as OneShotTestLoop posts it
    runner = SimpleNamespace(work_dir=str(tmp_path), iter=7, visualizer=visualizer, message_hub=message_hub)
    hook = HOOKS.build(dict(type='ResultGridHook'))
    hook.after_val_iter(runner, 0, batch, outputs)
    hook.after_test_iter(runner, 0, batch, outputs)
    visualizer.close()
    assert not (tmp_path / 'grids').exists()  # TensorBoard alone: no PNG files
    accumulator = EventAccumulator(str(tmp_path / 'log' / 'vis_data'), size_guidance={'images': 0})
    accumulator.Reload()
    assert sorted(accumulator.Tags()['images']) == ['test_A+000E+00_seed1', 'val_iter']
    event, = accumulator.Images('val_iter')
    assert event.step == 7 and (event.height, event.width) == (16 + 2 * 130 + 2, 4 * 130 + 2)
