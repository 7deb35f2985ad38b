# Table 1, "Bicubic" row, paper profile: MATLAB bicubic 16 -> 128 on Extended Yale B.
#   python tools/test.py configs/bicubic/bicubic_celeba2yaleb.py --one-shot source_only
_base_ = ['../dapfsr/adapt_celeba2yaleb.py']
model = dict(_delete_=True, type='BicubicUpsampler', out_size=128)
adaptation = None
