"""The hook specifications of ``jcm``: what a plugin may implement.

There is one hook. It is a *registration* hook (after datasette): it returns descriptors, it does
not mutate the host, so the host can check each returned methodology, attribute it to the
distribution that provided it, and refuse it with a precise error. Every hookspec here is
documented in ``docs/methodologies.md`` (a test fails otherwise).
"""

from __future__ import annotations

from collections.abc import Iterable

from jcm.methodologies.markers import hookspec
from jcm.methodologies.protocol import Methodology

__all__ = ["jcm_register_methodologies"]


@hookspec
def jcm_register_methodologies() -> Iterable[Methodology]:  # type: ignore[empty-body]
    """Return the methodologies this plugin provides.

    Each item satisfies :class:`jcm.methodologies.Methodology`: ``id``, ``version``, ``title``,
    ``follows``, an attrs ``Inputs`` class whose every number has a unit, and ``calculate``. The
    host refuses a duplicate ``(id, version)`` and an ``Inputs`` with a number lacking a unit,
    with a :class:`jcm.errors.PluginError` naming the plugin's distribution and version.

    Returns
    -------
    Iterable[Methodology]
        The plugin's methodologies (a list or tuple).
    """
