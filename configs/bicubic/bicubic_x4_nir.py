# "Bicubic" on the synthetic NIR target (configs/_base_/targets/celeba_hq_nir.py), the same
# one-shot tasks as DAP-FSR's rows there:
#   python tools/test.py configs/bicubic/bicubic_x4_nir.py --one-shot source_only
_base_ = ['../dapfsr/dapfsr_small_17k_celeba-hq2nir_damma-3x15.py']
model = dict(_delete_=True, type='BicubicUpsampler', out_size=64)
adaptation = None
