# Table 1, "Bicubic" row, small profile: MATLAB bicubic 16 -> 64 on the Extended Yale B
# test faces of the one-shot protocol (the same tasks as DAP-FSR's rows). No weights:
#   python tools/test.py configs/bicubic/bicubic_celeba_hq2yaleb_small.py --one-shot source_only
_base_ = ['../dapfsr/adapt_celeba_hq2yaleb_small.py']
model = dict(_delete_=True, type='BicubicUpsampler', out_size=64)
adaptation = None
