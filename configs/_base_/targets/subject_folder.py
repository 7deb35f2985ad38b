# Template for a target domain of your own, one folder per subject
# (docs/add_target_domain.md): my_faces/<subject>/<image>, e.g. AT&T / ORL's
# s1/1.pgm ... s40/10.pgm. Each condition found is a split of the one-shot
# protocol: condition_pattern (a regular expression with a group
# (?P<condition>...), searched in each file name, e.g.
# r'_(?P<condition>[A-Za-z0-9+-]+)\.' for s1_light+30.png) or, when None, one
# split 'all'; `conditions=[...]` keeps some. Faces are made by the test pipeline of
# the source config it is composed with (configs/_base_/targets/yaleb.py says how);
# set crop boxes through tools/dataset_converters/subject_folder.py --boxes and
# ann_file if they are not aligned.
# Data root: $DAPFSR_DATA_ROOT (default ../shared/data) / my_faces.
target_dataset = dict(type='SubjectFolderDataset', data_root='{{$DAPFSR_DATA_ROOT:../shared/data}}/my_faces',
                      condition_pattern=None, metainfo=dict(domain='my_faces'), test_mode=True)
one_shot_protocol = dict(type='OneShotProtocol')
