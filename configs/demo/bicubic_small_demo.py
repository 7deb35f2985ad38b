# Main job, the "Bicubic" row with the small profile: MATLAB bicubic 16 -> 64 on the
# same one-shot test sets as adapt_small_demo.py.
_base_ = ['./adapt_small_demo.py']
model = dict(_delete_=True, type='BicubicUpsampler', out_size=64)
adaptation = None
