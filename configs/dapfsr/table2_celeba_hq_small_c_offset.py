# Table 2, row C (+ predict offset scale), small profile = the full network of
# configs/dapfsr/celeba_hq_small.py; trained on CelebA-HQ, tested on Extended
# Yale B without adaptation ("source only"), as the paper's Table 2 network rows.
#   python tools/train.py configs/dapfsr/table2_celeba_hq_small_c_offset.py
#   python tools/test.py configs/dapfsr/table2_celeba_hq_small_c_offset.py CKPT
# Rows baseline, A, B inherit this file and switch the network flags.
_base_ = ['./celeba_hq_small.py']

model = dict(encoder=dict(multi_scale=True, istn_positions=(0, 1, 2)), offset_scale=True)

# Extended Yale B target test set: the 10 light-direction splits of
# configs/_base_/datasets/yaleb.py, gray replicated to RGB; LR faces made as
# in training (16 px from the warped 128 px face), HR brought to 64 px.
yaleb_splits = ['A+000E+00', 'A+000E+20', 'A+025E+00', 'A-025E+00', 'A+035E+15',
                'A-035E+15', 'A+050E+00', 'A-050E+00', 'A+070E+00', 'A-070E+00']
yaleb_test_pipeline = [
    dict(type='LoadFaceImage', key='gt', num_channels=3),
    dict(type='CropAndResize', keys=['gt'], size=128),
    dict(type='RandomFaceAffine', preset='moderate', seed=0),
    dict(type='MatlabResize', keys=['lr'], size=16),
    dict(type='MatlabResize', keys=['gt'], size=64),
    dict(type='PackFaceInputs'),
]
test_dataloader = dict(
    dataset=dict(_delete_=True, type='ExtendedYaleBDataset',
                 data_root='{{$DAPFSR_DATA_ROOT:../shared/data}}/CroppedYale',
                 conditions=yaleb_splits, test_mode=True, pipeline=yaleb_test_pipeline))
