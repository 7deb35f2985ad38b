# Table 1, "Bicubic" row, paper profile: MATLAB bicubic 16 -> 128 on Extended Yale B.
#   python tools/test.py configs/bicubic/bicubic_x8_yaleb.py --one-shot source_only
_base_ = ['../dapfsr/dapfsr_paper_100k_celeba2yaleb_damma-10x50.py']
model = dict(_delete_=True, type='BicubicUpsampler', out_size=128)
adaptation = None
