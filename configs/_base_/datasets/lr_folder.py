# A folder of real LR faces without ground truth (e.g. tiny faces cropped from
# WIDER FACE, the paper's Fig. 6): each image is resized to 16 x 16 (MATLAB
# bicubic) and packed as the LR input with no gt_img. There is nothing to
# train on, so only val/test dataloaders; metrics that need no ground truth
# (FIQ) or saved pictures apply. Data root: $DAPFSR_DATA_ROOT / wider_tiny_faces.
scale_lr = 16
dataset_type = 'ImageFolderDataset'
data_root = '{{$DAPFSR_DATA_ROOT:../shared/data}}/wider_tiny_faces'

test_pipeline = [
    dict(type='LoadFaceImage', key='lr', num_channels=3),
    dict(type='MatlabResize', keys=['lr'], size=scale_lr),
    dict(type='PackFaceInputs'),
]

val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, test_mode=True,
                 metainfo=dict(domain='wider_tiny'), pipeline=test_pipeline))
test_dataloader = val_dataloader
