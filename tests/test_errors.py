"""Tests of jcm.errors: codes, fields, built-in bases, problems."""

from __future__ import annotations

import pytest

from jcm.errors import (
    CycleTransitionError,
    FieldError,
    InvalidInputError,
    InvalidValueError,
    JcmError,
    NotAuthorizedError,
    Problem,
    ProblemGroup,
    Severity,
    UnknownAccountError,
)


def test_invalid_value_names_field_value_and_rule() -> None:
    """Names the field, the value and the rule in the message."""
    err = InvalidValueError("area", -5.0, "must be >= 0 [ha]")
    assert str(err) == "area: -5.0 is invalid: must be >= 0 [ha]"
    assert (err.code, err.field, err.value, err.rule) == (
        "INVALID_VALUE",
        "area",
        -5.0,
        "must be >= 0 [ha]",
    )


@pytest.mark.parametrize(
    ("error", "builtin", "code"),
    [
        (InvalidValueError("f", 1, "r"), ValueError, "INVALID_VALUE"),
        (UnknownAccountError("no account X"), KeyError, "NO_SUCH_ACCOUNT"),
        (NotAuthorizedError("no"), PermissionError, "NOT_PERMITTED"),
        (CycleTransitionError("late"), JcmError, "CYCLE_TRANSITION"),
    ],
)
def test_errors_inherit_builtins_and_carry_codes(
    error: JcmError, builtin: type[Exception], code: str
) -> None:
    """Inherits the matching built-in exception and carries its stable code."""
    assert isinstance(error, builtin)
    assert isinstance(error, JcmError)
    assert error.code == code


def test_unknown_account_message_is_not_quoted() -> None:
    """Prints a KeyError subclass's message without KeyError's quotes."""
    assert str(UnknownAccountError("no account 'X'")) == "no account 'X'"


def test_rejection_json_has_code_and_message() -> None:
    """Serialises a rejection as API.md's {"code", "message"} body."""
    body = JcmError("holder only", code="NOT_ACCOUNT_HOLDER").to_json()
    assert body == {"code": "NOT_ACCOUNT_HOLDER", "message": "holder only"}


def test_input_error_lists_every_field() -> None:
    """Reports every failing field, the first one as its own field."""
    err = InvalidInputError([FieldError("$.a", 1, "bad"), FieldError("$.b[0]", 2, "worse")])
    assert err.field == "$.a"
    assert [e.path for e in err.errors] == ["$.a", "$.b[0]"]
    assert "2 invalid fields" in str(err)
    assert err.to_json()["errors"][1]["path"] == "$.b[0]"


def test_input_error_needs_an_error() -> None:
    """Refuses to build an input error with no failing field."""
    with pytest.raises(ValueError, match="at least one"):
        InvalidInputError([])


def test_problem_group_separates_errors_and_warnings() -> None:
    """Splits problems by severity and is ok with warnings only."""
    group = ProblemGroup(
        (Problem("W1", "watch", Severity.WARNING), Problem("E1", "broken"), Problem("E1", "again"))
    )
    assert group.codes() == ("W1", "E1", "E1")
    assert len(group.errors) == 2
    assert not group.ok
    assert ProblemGroup((Problem("W1", "watch", Severity.WARNING),)).ok
    assert len(group.by_code()["E1"]) == 2
    assert not ProblemGroup()
