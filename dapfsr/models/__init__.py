from . import archs, data_preprocessors, decoders, editors, encoders, losses  # noqa: F401
