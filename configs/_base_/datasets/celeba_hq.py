# CelebA-HQ at 128 px, the source domain: the faces of ./face_sr.py (16 px LR under the
# random affine, MATLAB bicubic). Data root: $DAPFSR_DATA_ROOT (default ../shared/data) /
# celeba_hq_128, with its 8,000 train and 500 test faces.
_base_ = ['./face_sr.py']

dataset_type = 'CelebAHQDataset'
data_root = '{{$DAPFSR_DATA_ROOT:../shared/data}}/celeba_hq_128'

train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root, split='train',
                                     pipeline=_base_.train_pipeline))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root, split='test', test_mode=True,
                                   pipeline=_base_.test_pipeline))
test_dataloader = val_dataloader
