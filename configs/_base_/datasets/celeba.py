# CelebA, aligned release, as MTDN uses it: official partition, faces with
# Blurry / Eyeglasses / Wearing_Hat left out, MTDN's 133 x 107 box (rows
# 55-187, cols 35-141) stretched to 128 x 128 (CropAndResize of ./face_sr.py reads the
# dataset's box); 16 px LR under the random affine.
# Data root: $DAPFSR_DATA_ROOT (default ../shared/data) / celeba, holding
# img_align_celeba/, list_eval_partition.txt, list_attr_celeba.txt.
_base_ = ['./face_sr.py']

celeba = dict(type='CelebADataset', data_root='{{$DAPFSR_DATA_ROOT:../shared/data}}/celeba',
              skip_attributes=['Blurry', 'Eyeglasses', 'Wearing_Hat'])

train_dataloader = dict(dataset=dict(celeba, split='train', pipeline=_base_.train_pipeline))
val_dataloader = dict(dataset=dict(celeba, split='val', test_mode=True, pipeline=_base_.test_pipeline))
test_dataloader = dict(dataset=dict(celeba, split='test', test_mode=True, pipeline=_base_.test_pipeline))
