# Camera and lighting variation for encoder training (beyond the paper): the HR face is
# changed before the random affine, so the LR face and the target both carry the change and
# the encoder learns to read it rather than to ignore it. Not any target's list of
# conditions: gray (a monochrome sensor), white balance, gamma and contrast, light from one
# side with attached shadows, soft optics; and sensor noise on the LR face. Half the faces
# stay as they are. Insert into a source pipeline as
#   [load, crop, flip, *photometric_robustness, affine, LR resize, lr_sensor_noise, ...].
photometric_robustness = [
    dict(type='RandomApply', prob=0.5, transforms=[
        dict(type='RandomPhotometricJitter', key='gt', gray_prob=0.4, ramp_prob=0.2,
             gamma=(0.7, 1.6), contrast=(0.7, 1.3), color_cast=(0.85, 1.15)),
        dict(type='RandomFaceShading', key='gt', prob=0.5),
        dict(type='RandomBlur', key='gt', sigma=(0.3, 1.2), prob=0.3),
    ]),
]
lr_sensor_noise = dict(type='RandomNoise', key='lr', sigma=(0.0, 0.02), prob=0.3)
