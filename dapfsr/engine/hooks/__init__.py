from .sample_grid_hook import SampleGridHook  # noqa: F401
