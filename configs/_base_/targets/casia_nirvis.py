# CASIA NIR-VIS 2.0 as a target domain (the paper's Fig. 7): the first fold's NIR
# probes, one split 'NIR'. Composed with a source config as configs/_base_/targets/yaleb.py
# says. The frames are not face-aligned: the annotation file written by
#   python tools/dataset_converters/casia_nirvis.py DATA_ROOT --boxes BOXES.csv --out DATA_ROOT/casia_nirvis_faces.json
# gives each image its face box (omit ann_file to read protocols/*.txt directly).
# Data root: $DAPFSR_DATA_ROOT / NIR-VIS-2.0.
target_dataset = dict(type='CASIANIRVISDataset', data_root='{{$DAPFSR_DATA_ROOT:../shared/data}}/NIR-VIS-2.0',
                      protocol_files=['nir_probe_1.txt'], test_mode=True)
one_shot_protocol = dict(type='OneShotProtocol', splits=['NIR'])
gray_output = True
