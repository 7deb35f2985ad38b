# Extended Yale B (cropped release) as a target domain: the one-shot protocol's 10
# light-direction splits, all 38 subjects, gray frames. The faces are made by the test
# pipeline of the source config it is composed with, at that model's HR size:
#   _base_ = ['<source config>', '../_base_/targets/yaleb.py']
#   test_dataloader = dict(dataset=dict(_base_.target_dataset, pipeline=_base_.test_pipeline,
#                                       _delete_=True))
# and the protocol splits its tasks out of that test set (OneShotProtocol's defaults:
# splits = the dataset's conditions, K = 1, exemplar seeds 0-9).
# Data root: $DAPFSR_DATA_ROOT (default ../shared/data) / CroppedYale.
target_dataset = dict(
    type='ExtendedYaleBDataset',
    data_root='{{$DAPFSR_DATA_ROOT:../shared/data}}/CroppedYale',
    conditions=['A+000E+00', 'A+000E+20', 'A+025E+00', 'A-025E+00', 'A+035E+15',
                'A-035E+15', 'A+050E+00', 'A-050E+00', 'A+070E+00', 'A-070E+00'],
    test_mode=True)
one_shot_protocol = dict(type='OneShotProtocol')
gray_output = True  # tools/infer.py and super_resolve write gray faces
