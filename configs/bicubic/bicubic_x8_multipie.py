# Table 1, CelebA -> Multi-PIE, "Bicubic" row, paper profile: MATLAB bicubic 16 -> 128 on the
# Multi-PIE test faces of the one-shot protocol (the same tasks as DAP-FSR's rows).
#   python tools/test.py configs/bicubic/bicubic_x8_multipie.py --one-shot source_only
_base_ = ['../dapfsr/dapfsr_paper_100k_celeba2multipie_damma-10x50.py']
model = dict(_delete_=True, type='BicubicUpsampler', out_size=128)
adaptation = None
