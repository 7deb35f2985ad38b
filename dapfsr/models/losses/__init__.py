from .perceptual import EfficientNetLite0Features, VGG19Features  # noqa: F401
from .gan_loss import NonSaturatingLogisticLoss, PathLengthRegularizer, R1GradientPenalty  # noqa: F401
from .least_squares_gan_loss import LeastSquaresGANLoss  # noqa: F401
