from .dapfsr import DAPFSR  # noqa: F401
