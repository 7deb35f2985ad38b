# CPGAN, paper profile, on CMU Multi-PIE: the source model of Table 1's Multi-PIE -> Extended
# Yale B. cpgan_paper_200k_celeba.py with Multi-PIE's neutral frames
# (configs/_base_/datasets/multipie_source.py) in place of CelebA, as
# configs/dapfsr/dapfsr_paper_100k_multipie.py (validation: the first 2000 frames), and
# their landmarks. The test-time guide stays the CelebA face: it needs no face box, which a
# Multi-PIE frame takes from the annotation file.
#   python tools/dataset_converters/face_landmarks.py configs/cpgan/cpgan_paper_200k_multipie.py
#   python tools/train.py configs/cpgan/cpgan_paper_200k_multipie.py [--resume]
_base_ = ['./cpgan_paper_200k_celeba.py', '../_base_/datasets/multipie_source.py']

landmarks_file = '{{$DAPFSR_LANDMARKS_ROOT:../landmarks}}/multipie_train.npz'
train_pipeline = [*_base_.train_pipeline[:-2], dict(_base_.train_pipeline[-2], landmarks_file=landmarks_file),
                  _base_.train_pipeline[-1]]
train_dataloader = dict(dataset=dict(_base_.source_dataset, pipeline=train_pipeline, _delete_=True))
val_dataloader = dict(dataset=dict(_base_.source_dataset, test_mode=True, indices=2000,
                                   pipeline=_base_.test_pipeline, _delete_=True))
test_dataloader = val_dataloader
