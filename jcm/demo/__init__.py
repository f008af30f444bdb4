"""``jcm demo``: the whole JCM, end to end, on an embedded SQLite registry in under a minute.

Three projects shaped after the example projects of the government overview (a Philippine AWD
programme, a waste-to-energy plant in Bac Ninh, Viet Nam, and a solar plant with storage in Chile)
go through the project cycle in the registries of Japan and their partners, with calculations
from sample monitoring data shipped in ``jcm/demo/data``; credits are then transferred, retired
for SHK, cancelled and frozen, and the Article 6 reports (corresponding adjustments, the AEF and
its consistency checks) are computed from the result.

Modules, one job each:

* :mod:`jcm.demo.sample` loads the sample monitoring data and calculates it;
* :mod:`jcm.demo.scenario` writes the history as registry requests (dated, idempotent);
* :mod:`jcm.demo.run` imports them into the registry file and refuses one transfer on purpose;
* :mod:`jcm.demo.figures` reads the figures back from the registry;
* :mod:`jcm.demo.report` prints them; :mod:`jcm.demo.chart` draws them (matplotlib, optional);
  both name countries, registries, account kinds and requests in words (:mod:`jcm.demo.labels`).

    >>> from jcm.demo import run_demo                        # doctest: +SKIP
    >>> run = run_demo("jcm-demo.sqlite"); print(run.report)  # doctest: +SKIP
"""

from __future__ import annotations

from jcm.demo.run import DEFAULT_DB, DemoRun, run_demo

__all__ = ["DEFAULT_DB", "DemoRun", "run_demo"]
