# A second target domain for development (beyond the paper; Extended Yale B is the first):
# CelebA-HQ test faces through a synthetic near-infrared camera (SyntheticNIRSensor: a
# red-weighted gray response, brighter skin, the falloff of an on-axis illuminator, soft
# optics, sensor noise), made before the random affine, so HR and LR faces both come from
# the sensor. One split ('test': the folder), every face its own person; the first 200 faces
# keep a task to minutes. The model never saw these faces (CelebA-HQ train) nor the sensor.
# Compose it with a source config, the sensor inserted after the crop of its test pipeline:
#   _base_ = ['<source config>', '../_base_/targets/celeba_hq_nir.py']
#   test_pipeline = _base_.test_pipeline[:2] + [_base_.target_sensor] + _base_.test_pipeline[2:]
#   test_dataloader = dict(dataset=dict(_base_.target_dataset, pipeline=test_pipeline, _delete_=True))
# Data root: $DAPFSR_DATA_ROOT (default ../shared/data) / celeba_hq_128.
target_dataset = dict(type='ImageFolderDataset', data_root='{{$DAPFSR_DATA_ROOT:../shared/data}}/celeba_hq_128',
                      conditions=['test'], every_image_own_subject=True, indices=200,
                      metainfo=dict(domain='celeba_hq_nir'), test_mode=True)
target_sensor = dict(type='SyntheticNIRSensor', key='gt', seed=0)
one_shot_protocol = dict(type='OneShotProtocol')
gray_output = True
