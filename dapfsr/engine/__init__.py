from . import hooks  # noqa: F401
from .optimizers import MultiOptimWrapperConstructor  # noqa: F401
from .runner import DapfsrRunner, OneShotTestLoop, build_runner  # noqa: F401
