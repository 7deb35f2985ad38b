# Table 1, "Bicubic" row, small profile: MATLAB bicubic 16 -> 64 on the Extended Yale B
# test faces of the one-shot protocol (the same tasks as DAP-FSR's rows). No weights:
#   python tools/test.py configs/bicubic/bicubic_x4_yaleb.py --one-shot source_only
_base_ = ['../dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x15.py']
model = dict(_delete_=True, type='BicubicUpsampler', out_size=64)
adaptation = None
