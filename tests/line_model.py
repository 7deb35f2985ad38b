"""A one-weight model trained on a line, for tests of runners and checkpoints (no data, fast)."""
import torch
from mmengine.model import BaseModel
from torch.utils.data import Dataset


class LineDataset(Dataset):
    """y = 3x - 1 on 32 points."""

    def __len__(self):
        return 32

    def __getitem__(self, i):
        x = torch.tensor([i / 32.0])
        return dict(inputs=x, target=3 * x - 1)


class LineModel(BaseModel):

    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(1, 1)

    def forward(self, inputs, target=None, mode='tensor'):
        pred = self.fc(torch.stack(inputs) if isinstance(inputs, list) else inputs)
        if mode == 'loss':
            target = torch.stack(target) if isinstance(target, list) else target
            return dict(loss=((pred - target) ** 2).mean())
        return pred


def make_runner(work_dir, max_iters, resume=False, runner_type=None, max_keep_ckpts=-1, **kwargs):
    """A Runner (mmengine's, or ``runner_type``) training LineModel, checkpoints every 3 iterations
    (the last ``max_keep_ckpts`` kept; -1: all)."""
    from mmengine.runner import Runner
    cls = runner_type or Runner
    return cls(
        model=dict(type=LineModel), work_dir=str(work_dir),
        train_dataloader=dict(dataset=LineDataset(), sampler=dict(type='DefaultSampler', shuffle=True, seed=0),
                              batch_size=4, num_workers=0, collate_fn=dict(type='default_collate')),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9)),
        train_cfg=dict(by_epoch=False, max_iters=max_iters),
        default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=3, by_epoch=False,
                                           max_keep_ckpts=max_keep_ckpts),
                           logger=dict(type='LoggerHook', interval=1)),
        randomness=dict(seed=1), resume=resume, default_scope='dapfsr', **kwargs)
