"""The one hierarchy of ``jcm`` errors, and the ``Problem`` that audits collect.

Commands raise; audits collect (STYLE.md). Every error carries a stable machine ``code`` (the codes
of ``shared/reference/rules.md`` and ``shared/design/API.md``), the ``field`` it concerns, the
offending ``value`` and the ``rule`` it breaks, and its message names all three, so a user can fix
the input without reading our code::

    >>> err = InvalidValueError("area", -5.0, "must be >= 0 [ha]")
    >>> str(err)
    'area: -5.0 is invalid: must be >= 0 [ha]'
    >>> err.code, err.field
    ('INVALID_VALUE', 'area')

Each class also inherits the matching built-in exception (``ValueError``, ``KeyError``,
``PermissionError``), so code that catches built-ins keeps working.
"""

from __future__ import annotations

import enum
import reprlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

__all__ = [
    "Article6Error",
    "CalculationError",
    "CycleTransitionError",
    "FieldError",
    "InsufficientCreditsError",
    "InvalidInputError",
    "InvalidValueError",
    "JcmError",
    "MethodologyError",
    "NotAuthorizedError",
    "PluginError",
    "Problem",
    "ProblemGroup",
    "RegistryError",
    "Severity",
    "UnknownAccountError",
    "UnknownMethodologyError",
]


_REPR = reprlib.Repr()
_REPR.maxlevel = 3
_REPR.maxstring = 60
_REPR.maxother = 60
_REPR.maxlong = 40


def _short(value: object, limit: int = 80) -> str:
    """A bounded ``repr`` of ``value``: deeply nested or huge values never blow up a message."""
    try:
        text = _REPR.repr(value)
    except Exception:  # a value whose repr fails is still named
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


class JcmError(Exception):
    """Base of every error raised by ``jcm``.

    Parameters
    ----------
    message
        Human-readable text; it names the field, the value and the rule.
    code
        Stable machine code (``CYCLE_TRANSITION``, ``NOT_HELD``, ...); defaults to the class's.
    field, value, rule
        What was wrong, with what, by which rule (a paragraph, a decision, a constraint).
    """

    default_code = "JCM_ERROR"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        value: object = None,
        rule: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.field = field
        self.value = value
        self.rule = rule

    def __str__(self) -> str:
        return self.message

    def to_json(self) -> dict[str, Any]:
        """The rejection body of API.md: ``{"code", "message"}`` plus ``field`` and ``rule``."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            body["field"] = self.field
        if self.rule is not None:
            body["rule"] = self.rule
        return body


class InvalidValueError(JcmError, ValueError):
    """A value breaks a rule: out of range, not finite, wrong unit, wrong type, inconsistent.

    The message is ``"<field>: <value> is invalid: <rule>"``.
    """

    default_code = "INVALID_VALUE"

    def __init__(self, field: str, value: object, rule: str, *, code: str | None = None) -> None:
        super().__init__(
            f"{field}: {_short(value)} is invalid: {rule}",
            code=code,
            field=field,
            value=value,
            rule=rule,
        )


@attrs.frozen
class FieldError:
    """One failing field of a structured input, located by its JSON path (``$.strata[1].area``)."""

    path: str
    value: object
    rule: str
    code: str = "INVALID_VALUE"

    def __str__(self) -> str:
        return f"{self.path}: {_short(self.value)} is invalid: {self.rule}"


class InvalidInputError(InvalidValueError):
    """A structured input (JSON) with one or more bad fields, all reported at once.

    ``field`` is the path of the first failure; ``errors`` lists every one.
    """

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        if not self.errors:
            raise ValueError("InvalidInputError needs at least one FieldError")
        first = self.errors[0]
        super().__init__(first.path, first.value, first.rule, code=first.code)
        if len(self.errors) > 1:
            self.message = f"{len(self.errors)} invalid fields: " + "; ".join(
                str(e) for e in self.errors
            )
        else:
            self.message = str(first)
        self.args = (self.message,)

    def to_json(self) -> dict[str, Any]:
        body = super().to_json()
        body["errors"] = [{"path": e.path, "rule": e.rule, "code": e.code} for e in self.errors]
        return body


class UnknownAccountError(JcmError, KeyError):
    """An account id that the registry does not know (``NO_SUCH_ACCOUNT``)."""

    default_code = "NO_SUCH_ACCOUNT"

    def __str__(self) -> str:  # KeyError would quote the message
        return self.message


class RegistryError(JcmError):
    """A registry request refused by a rule of the registry (``FROZEN``, ``NOT_HELD``, ...)."""

    default_code = "REJECTED"


class InsufficientCreditsError(RegistryError):
    """A quantity above the balance of the debited account (``INSUFFICIENT_CREDITS``)."""

    default_code = "INSUFFICIENT_CREDITS"


class CycleTransitionError(JcmError):
    """A project-cycle step out of order (``CYCLE_TRANSITION``), or a guard of a step that fails."""

    default_code = "CYCLE_TRANSITION"


class NotAuthorizedError(JcmError, PermissionError):
    """The actor's role may not make this request (``NOT_PERMITTED`` and its refinements)."""

    default_code = "NOT_PERMITTED"


class MethodologyError(JcmError):
    """Base of the errors of the methodology host and its plugins."""

    default_code = "METHODOLOGY_ERROR"


class UnknownMethodologyError(MethodologyError, KeyError):
    """No methodology with that id (and version) is registered."""

    default_code = "NO_SUCH_METHODOLOGY"

    def __str__(self) -> str:
        return self.message


class PluginError(MethodologyError):
    """A methodology plugin failed to load or breaks the plugin contract."""

    default_code = "PLUGIN_ERROR"


class CalculationError(MethodologyError):
    """A plugin raised while calculating; re-raised ``from`` the plugin's exception."""

    default_code = "CALCULATION_ERROR"


class Article6Error(JcmError):
    """A rule of Article 6.2 (authorization, first transfer, adjustments, AEF) is broken."""

    default_code = "ARTICLE6_ERROR"


class Severity(enum.Enum):
    """How bad a ``Problem`` is."""

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen
class Problem:
    """One finding of an audit or a calculation; audits return these instead of raising.

    Parameters
    ----------
    code
        Stable machine code (``negative_emission_reductions``, ``CHAIN_BROKEN``, ``C09``, ...).
    message
        Human-readable text naming what is wrong and where.
    severity
        ``Severity.ERROR`` or ``Severity.WARNING``.
    field
        The field or path concerned, if any.
    subject
        What the finding is about (an entry number, an account, a serial range), if any.
    """

    code: str
    message: str
    severity: Severity = Severity.ERROR
    field: str | None = None
    subject: str | None = None


@attrs.frozen
class ProblemGroup:
    """An immutable, ordered collection of ``Problem`` with the usual questions answered."""

    problems: tuple[Problem, ...] = ()

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def __len__(self) -> int:
        return len(self.problems)

    def __bool__(self) -> bool:
        return bool(self.problems)

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems of severity ``ERROR``."""
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The problems of severity ``WARNING``."""
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        """True when there is no problem of severity ``ERROR``."""
        return not self.errors

    def codes(self) -> tuple[str, ...]:
        """The codes in order, for quick assertions."""
        return tuple(p.code for p in self.problems)

    def by_code(self) -> Mapping[str, tuple[Problem, ...]]:
        """The problems grouped by code."""
        out: dict[str, list[Problem]] = {}
        for p in self.problems:
            out.setdefault(p.code, []).append(p)
        return {k: tuple(v) for k, v in out.items()}
