from .dapfsr_runner import DapfsrRunner, build_runner
from .one_shot_test_loop import OneShotTestLoop

__all__ = ['DapfsrRunner', 'OneShotTestLoop', 'build_runner']
