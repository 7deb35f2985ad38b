from .dapfsr_runner import DapfsrRunner, build_runner

__all__ = ['DapfsrRunner', 'build_runner']
