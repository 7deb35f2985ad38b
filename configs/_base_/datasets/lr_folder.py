# A folder of real LR faces without ground truth (e.g. tiny faces cropped from
# WIDER FACE, the paper's Fig. 6): each image is resized to 16 x 16 (MATLAB
# bicubic) and packed as the LR input with no gt_img. There is nothing to
# train on, so only val/test dataloaders; metrics that need no ground truth
# (FIQ) or saved pictures apply. Data root: $DAPFSR_DATA_ROOT / wider_tiny_faces.
_base_ = ['./face_sr.py']

test_pipeline = [
    dict(type='LoadFaceImage', key='lr', num_channels=3),
    dict(type='MatlabResize', keys=['lr'], size=_base_.scale_lr),
    dict(type='PackFaceInputs'),
]
train_dataloader = None
val_dataloader = dict(dataset=dict(type='ImageFolderDataset',
                                   data_root='{{$DAPFSR_DATA_ROOT:../shared/data}}/wider_tiny_faces',
                                   test_mode=True, metainfo=dict(domain='wider_tiny'),
                                   pipeline=test_pipeline))
test_dataloader = val_dataloader
