from .perceptual import EfficientNetLite0Features, VGG19Features  # noqa: F401
