# CMU Multi-PIE as a source domain (e.g. Multi-PIE -> Extended Yale B): every neutral
# frame of the annotation file; set `subjects` to hold persons out (there is no
# official partition). As a target domain: configs/_base_/targets/multipie.py. The
# frames are not face-aligned: the annotation file written by
#   python tools/dataset_converters/multipie.py DATA_ROOT --boxes BOXES.csv --out DATA_ROOT/multipie_faces.json
# gives each image its face box. Data root: $DAPFSR_DATA_ROOT / Multi-PIE.
_base_ = ['./face_sr.py']

multipie = dict(type='MultiPIEDataset', data_root='{{$DAPFSR_DATA_ROOT:../shared/data}}/Multi-PIE',
                ann_file='multipie_faces.json')

train_dataloader = dict(dataset=dict(multipie, pipeline=_base_.train_pipeline))
val_dataloader = dict(dataset=dict(multipie, test_mode=True, pipeline=_base_.test_pipeline))
test_dataloader = val_dataloader
