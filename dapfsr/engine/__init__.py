from . import hooks  # noqa: F401
from .runner import DapfsrRunner, build_runner  # noqa: F401
