# CMU Multi-PIE as a target domain (e.g. CelebA -> Multi-PIE): one split per camera x
# flash condition, neutral expression only (the paper does not list its 10; these are
# the frontal camera 05_1 under seven flashes, and three other views under flash 07:
# docs/datasets.md, "The evaluated splits", says why).
# Composed with a source config as configs/_base_/targets/yaleb.py says. The frames are
# not face-aligned: the annotation file written by
#   python tools/dataset_converters/multipie.py DATA_ROOT --boxes BOXES.csv --out DATA_ROOT/multipie_faces.json
# gives each image its face box. Data root: $DAPFSR_DATA_ROOT / Multi-PIE.
target_dataset = dict(
    type='MultiPIEDataset',
    data_root='{{$DAPFSR_DATA_ROOT:../shared/data}}/Multi-PIE',
    ann_file='multipie_faces.json',
    conditions=['cam05_1_flash00', 'cam05_1_flash02', 'cam05_1_flash04', 'cam05_1_flash07',
                'cam05_1_flash10', 'cam05_1_flash13', 'cam05_1_flash16', 'cam04_1_flash07',
                'cam05_0_flash07', 'cam14_0_flash07'],
    test_mode=True)
one_shot_protocol = dict(type='OneShotProtocol')
