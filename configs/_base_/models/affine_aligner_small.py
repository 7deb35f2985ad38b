# The AffineAligner of the small profile (16 px LR faces), written once for its training config
# (configs/aligner/) and the refiners that use its published weights.
affine_aligner = dict(type='AffineAligner', in_size=16, channels=(32, 64, 128), hidden=256,
                      data_preprocessor=dict(type='FaceSRDataPreprocessor', num_channels=3))
affine_aligner_checkpoint = 'checkpoints/affine_aligner_small_celebahq.pth'
