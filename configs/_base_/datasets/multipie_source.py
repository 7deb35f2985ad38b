# CMU Multi-PIE as the source domain (Multi-PIE -> Extended Yale B): its frames only, for a
# method's CelebA config to train on instead, as a target base is composed:
#   _base_ = ['./<method>_paper_<schedule>_celeba.py', '../_base_/datasets/multipie_source.py']
#   train_dataloader = dict(dataset=dict(_base_.source_dataset, pipeline=_base_.train_pipeline,
#                                        _delete_=True))
# (e.g. configs/dapfsr/dapfsr_paper_100k_multipie.py). Every neutral frame of the
# annotation file; set `subjects` to hold persons out (there is no official partition).
# As a target domain: configs/_base_/targets/multipie.py. The frames are not
# face-aligned: the annotation file written by
#   python tools/dataset_converters/multipie.py DATA_ROOT --boxes BOXES.csv \
#       --out DATA_ROOT/multipie_faces.json
# gives each image its face box. Data root: $DAPFSR_DATA_ROOT / Multi-PIE.
source_dataset = dict(type='MultiPIEDataset', data_root='{{$DAPFSR_DATA_ROOT:../shared/data}}/Multi-PIE',
                      ann_file='multipie_faces.json')
