"""Register dapfsr's modules and make ``dapfsr`` the default registry scope.

The roof of the package: it imports every package that fills a registry, so it
sits above them all; only the entry points (``dapfsr.apis``, ``tools/``, tests)
import it, never a module those packages are made of.
"""
import datetime
import warnings

from mmengine import DefaultScope


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import every dapfsr package that registers components.

    Args:
        init_default_scope (bool): Also set the default scope to ``dapfsr`` so
            that configs' ``type=`` names resolve in dapfsr's registries first.
    """
    import dapfsr.adaptation  # noqa: F401
    import dapfsr.datasets  # noqa: F401
    import dapfsr.engine  # noqa: F401
    import dapfsr.evaluation  # noqa: F401
    import dapfsr.models  # noqa: F401
    import dapfsr.visualization  # noqa: F401

    if not init_default_scope:
        return
    current = DefaultScope.get_current_instance()
    if current is None or not DefaultScope.check_instance_created('dapfsr'):
        if current is not None and current.scope_name != 'dapfsr':
            warnings.warn(f'The current default scope "{current.scope_name}" is not '
                          '"dapfsr"; register_all_modules makes a new "dapfsr" scope.')
        name = f'dapfsr-{datetime.datetime.now()}'
        DefaultScope.get_instance(name, scope_name='dapfsr')
