"""Skips that CI turns into failures, as ``conftest.require_data`` does for data: under
``DAPFSR_REQUIRE_DATA=1`` (``.ci/run``) an optional package or model file the test needs
that is missing or broken fails the test, so a broken install cannot turn the suite green;
elsewhere the test is skipped with the reason."""
import importlib
import os

import pytest


def skip_or_fail(message):
    """Skip with ``message`` (also at module level), or fail under DAPFSR_REQUIRE_DATA=1."""
    if os.environ.get('DAPFSR_REQUIRE_DATA') == '1':
        pytest.fail(f'{message} (required: DAPFSR_REQUIRE_DATA=1)', pytrace=False)
    pytest.skip(message, allow_module_level=True)


def require_module(name, why=''):
    """``importlib.import_module(name)``; without it :func:`skip_or_fail` (not
    ``pytest.importorskip``, which skips in CI too)."""
    try:
        return importlib.import_module(name)
    except ImportError as err:
        skip_or_fail(f'{name} cannot be imported ({err})' + (f': {why}' if why else ''))
