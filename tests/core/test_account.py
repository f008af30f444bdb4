"""Tests of account kinds and accounts (rules.md §4.2, ORD-REG Art. 2 and 3)."""

from __future__ import annotations

import pytest

from jcm.core.account import Account, AccountKind
from jcm.errors import InvalidValueError


@pytest.mark.parametrize(
    ("kind", "terminal", "government"),
    [
        (AccountKind.ENTITY_HOLDING, False, False),
        (AccountKind.GOVERNMENT_HOLDING, False, True),
        (AccountKind.RETIREMENT, True, True),
        (AccountKind.CANCELLATION, True, True),
    ],
)
def test_kinds_are_terminal_and_governmental_as_the_ordinance_says(
    kind: AccountKind, terminal: bool, government: bool
) -> None:
    """Marks retirement and cancellation terminal and all but entity accounts governmental."""
    assert kind.terminal is terminal
    assert kind.government is government


def test_kind_values_are_the_json_names() -> None:
    """Uses the JSON names of API.md's open_account request."""
    assert [k.value for k in AccountKind] == [
        "entity_holding",
        "government_holding",
        "retirement",
        "cancellation",
    ]


def test_account_defaults_to_not_frozen() -> None:
    """Opens an account without a disposal restriction."""
    account = Account("B", "JPN", "JPN01", AccountKind.ENTITY_HOLDING, "b")
    assert not account.frozen
    assert not account.terminal
    assert Account("R", "JPN", "JPN01", AccountKind.RETIREMENT, "jcma").terminal


@pytest.mark.parametrize(
    "changes",
    [{"id": ""}, {"party": "JP"}, {"kind": "retirement"}, {"holder": ""}, {"registry": 5}],
)
def test_account_rejects_bad_fields(changes: dict[str, object]) -> None:
    """Rejects an empty id, a bad Party code, a kind that is not an AccountKind, no holder."""
    values: dict[str, object] = {
        "id": "B",
        "party": "JPN",
        "registry": "JPN01",
        "kind": AccountKind.ENTITY_HOLDING,
        "holder": "b",
    }
    values.update(changes)
    with pytest.raises((InvalidValueError, TypeError)):
        Account(**values)  # type: ignore[arg-type]
