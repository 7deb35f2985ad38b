from . import archs, base_models, data_preprocessors, decoders, editors, encoders, losses  # noqa: F401
