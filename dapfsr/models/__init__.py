from . import aligners, archs, base_models, data_preprocessors, decoders, editors, encoders, losses, refiners  # noqa: F401
