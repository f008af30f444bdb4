"""The pluggy markers of ``jcm``, apart from any plugin manager.

Plugins import only these (``from jcm.methodologies import hookimpl``); importing them creates no
plugin manager and loads no entry point (STYLE.md, after pluggy and datasette).
"""

from __future__ import annotations

from typing import Final

import pluggy

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]

PROJECT_NAME: Final = "jcm"
"""The pluggy project name shared by the markers and the host's plugin manager."""

hookspec: Final = pluggy.HookspecMarker(PROJECT_NAME)
"""Marks a function of :mod:`jcm.methodologies.hookspecs` as a hook specification."""

hookimpl: Final = pluggy.HookimplMarker(PROJECT_NAME)
"""Marks a plugin's function as the implementation of a ``jcm_*`` hook."""
