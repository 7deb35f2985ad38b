from . import aligners, archs, base_models, data_preprocessors, detectors, editors, losses, refiners  # noqa: F401
