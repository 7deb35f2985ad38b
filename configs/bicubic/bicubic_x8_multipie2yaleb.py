# Table 1, Multi-PIE -> Extended Yale B, "Bicubic" row: bicubic_x8_yaleb.py under this
# benchmark's name. Bicubic has no source domain, so its faces and numbers are CelebA ->
# Extended Yale B's (both make the Yale B faces by configs/_base_/datasets/face_sr.py).
#   python tools/test.py configs/bicubic/bicubic_x8_multipie2yaleb.py --one-shot source_only
_base_ = ['./bicubic_x8_yaleb.py']
benchmark_name = 'Multi-PIE -> Extended Yale B'
