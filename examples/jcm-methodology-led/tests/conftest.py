"""Fixtures of the plugin's tests: the ``host`` fixture of ``jcm.testing``."""

from jcm.testing import host

__all__ = ["host"]
