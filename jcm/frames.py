"""pandas DataFrames of a registry's balances and history and of an AEF report's five tables.

For analysts who work in pandas: the same figures as ``jcm registry balances``, ``jcm registry
history`` and ``jcm article6 aef``, one row per account, journal entry or AEF record::

    import jcm.frames
    from jcm.registry import Registry

    with Registry.open("registry.sqlite") as registry:
        table = jcm.frames.balances(registry, party="JPN")
    table.groupby("kind")["balance"].sum()

pandas is optional (the extra ``pandas``: ``pip install 'jcm-engine[pandas]'``); it is imported
when a function here is first called, and its absence is a :class:`~jcm.errors.JcmError`
``PANDAS_UNAVAILABLE`` that says what to install. Importing this module never needs it.

The registry is read only through its public view methods (``balances``, ``accounts``,
``history``); the AEF tables come from :meth:`jcm.article6.aef.AefReport.sheets`, so their cells
keep the template's types: numbers are integers, dates are ``datetime64`` days, ``NA`` (a
conditional field that does not apply, docs/rules.md §8.2) stays the text ``"NA"``, and a blank
cell is missing (``None``).
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import TYPE_CHECKING, Any

from jcm.article6.aef import DATE_COLUMNS
from jcm.errors import JcmError

if TYPE_CHECKING:
    import pandas as pd

    from jcm.article6.aef import AefReport
    from jcm.registry.engine import Registry, RegistryView

__all__ = ["BALANCE_COLUMNS", "HISTORY_COLUMNS", "aef_tables", "balances", "history"]

BALANCE_COLUMNS = ("account", "party", "registry", "kind", "holder", "frozen", "balance")
"""Columns of :func:`balances`; ``balance`` in [tCO2e]."""

HISTORY_COLUMNS = ("entry", "at", "type", "actor", "from", "to", "serials", "quantity", "fee")
"""Columns of :func:`history`; ``quantity`` in [tCO2e], ``fee`` in [JPY], ``at`` in UTC."""


def _pandas() -> Any:
    """The ``pandas`` module, or ``PANDAS_UNAVAILABLE`` naming the extra to install."""
    try:
        return importlib.import_module("pandas")
    except ImportError:
        raise JcmError(
            "DataFrames need the optional package pandas, which is not installed "
            "(pip install 'jcm-engine[pandas]')",
            code="PANDAS_UNAVAILABLE",
            field="pandas",
            rule="pandas is the optional extra 'pandas'",
        ) from None


def balances(registry: RegistryView, party: str | None = None) -> pd.DataFrame:
    """One row per account (empty ones too), in the registry's order.

    Parameters
    ----------
    registry
        A registry or a view of one (``Registry.as_of(...)``).
    party
        Only the accounts of this Party's registry (ISO alpha-3), or every account.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`BALANCE_COLUMNS`; ``balance`` [tCO2e] is ``int64``.

    Raises
    ------
    JcmError
        ``PANDAS_UNAVAILABLE`` when pandas is not installed.
    """
    pandas = _pandas()
    amounts = registry.balances(party)
    rows = [
        (a.id, a.party, a.registry, a.kind.value, a.holder, a.frozen, amounts[a.id])
        for a in registry.accounts(party)
    ]
    frame: pd.DataFrame = pandas.DataFrame(rows, columns=list(BALANCE_COLUMNS))
    return frame.astype({"frozen": "bool", "balance": "int64"})


def history(registry: Registry, subject: str | int) -> pd.DataFrame:
    """One row per journal entry that concerns an account or a serial, oldest first.

    Parameters
    ----------
    registry
        A registry.
    subject
        An account id, ``REGISTRY:SERIAL`` (``"JPN01:900"``), a block identifier, or a serial
        number when the registry holds one Party's registry (as ``Registry.history``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`HISTORY_COLUMNS`: ``at`` is ``datetime64`` in UTC; ``serials`` is the text
        ``"JPN01:801-1000"`` (several ranges separated by spaces); ``quantity`` [tCO2e] and
        ``fee`` [JPY] are ``int64``; ``from`` and ``to`` are missing where the entry has none.

    Raises
    ------
    JcmError
        ``PANDAS_UNAVAILABLE`` when pandas is not installed; the registry's own errors for an
        unknown subject.
    """
    records = registry.history(subject)
    pandas = _pandas()
    rows = [
        (
            r.entry,
            r.at.astimezone(dt.UTC),
            r.type,
            r.actor,
            r.source,
            r.target,
            " ".join(f"{reg}:{start}-{end}" for reg, start, end in r.serials),
            r.quantity,
            r.fee,
        )
        for r in records
    ]
    frame: pd.DataFrame = pandas.DataFrame(rows, columns=list(HISTORY_COLUMNS))
    frame["at"] = pandas.to_datetime(frame["at"], utc=True)
    return frame.astype({"entry": "int64", "quantity": "int64", "fee": "int64"})


def aef_tables(report: AefReport) -> dict[str, pd.DataFrame]:
    """The five AEF tables as DataFrames, keyed by sheet name (``"Table 3 Actions"``).

    Columns are the template's labels in its order (docs/rules.md §8.2); date columns (Table 1
    date of submission, Table 2 date of authorization, Table 3 action date, Table 5 date) are
    ``datetime64``; other cells keep their type (integers, text, ``"NA"``, ``None`` for blank).

    Raises
    ------
    JcmError
        ``PANDAS_UNAVAILABLE`` when pandas is not installed.
    """
    pandas = _pandas()
    out: dict[str, pd.DataFrame] = {}
    for name, headers, rows in report.sheets():
        frame: pd.DataFrame = pandas.DataFrame(
            [list(r) for r in rows], columns=list(headers), dtype=object
        )
        for header in headers:
            if header in DATE_COLUMNS:
                frame[header] = pandas.to_datetime(frame[header])
        out[name] = frame
    return out
