# Main-job demo, the "Bicubic" row: MATLAB bicubic 8 -> 32 on the same one-shot test sets.
_base_ = ['./adapt_demo.py']
model = dict(_delete_=True, type='BicubicUpsampler', out_size={{_base_.hr_size}})
adaptation = None
