# DAMMA, Algorithm 1 (sec. 4.2), paper profile: 128 px HR, 16 px LR.
# The paper gives no counts or rates (its supplementary is not available); the
# values below are this toolbox's choices, see docs/adaptation.md:
# - 10 outer x 50 inner iterations: 500 updates of phi on 8 generated pairs
#   + the exemplar each, i.e. 4000 generated target-style faces, 10 draws of w^s;
# - xi (lr_alpha) 0.05 with Adam on the logits of alpha: alpha can travel from
#   alpha_0 = 0.5 to about 0.1 or 0.9 within one inner loop;
# - eta (lr_phi) 1e-3 with Adam on phi (affine weights of unit scale, biases
#   around 1): each affine moves by at most ~0.5 over the run, a constrained change.
# The degradation is the source training data's (configs/_base_/datasets/celeba.py
# train pipeline after loading and cropping): random affine, MATLAB bicubic x1/8.
adaptation = dict(
    type='DAMMA',
    outer_iters=10,
    inner_iters=50,
    batch_size=8,
    lr_alpha=0.05,  # xi
    lr_phi=1e-3,  # eta
    optimizer=dict(type='Adam', betas=(0.9, 0.999)),
    augmenter=dict(type='SoftLatentMixing', alpha_init=0.5, content_weight=1.0, style_weight=1.0),
    trainable='style_modulation',  # Table 2, F: only the AdaIN affines phi
    # Eq. 5 of line 8 as (L(generated) + L(exemplar)) / 2, not one pooled batch where the one
    # real pair weighs 1/9: the generated pairs are the decoder's own faces and mostly hold
    # phi where it is (configs/dapfsr/README.md, "DAMMA, measured").
    exemplar_weight=0.5,
    degradation=[
        dict(type='RandomFaceAffine', preset='moderate', seed=None),
        dict(type='MatlabResize', keys=['lr'], size=16),
    ],
    log_interval=10)
