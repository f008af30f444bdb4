"""The periods of the JCM rules, keyed by partner country and ruleset version.

Each bilateral Joint Committee adopts its own Rules of Implementation and Project Cycle Procedure
(``shared/reference/rules.md`` §2.2), so the periods of the cycle can differ by partner and by
version of the rules. A :class:`Ruleset` holds them; the defaults are those of rules.md §2.4:

====================================  ==========  ==================
item                                  default      source
====================================  ==========  ==================
methodology completeness check         7 days     OECC-FAQ [P2]
methodology public input              15 days     OECC-FAQ [P2]
PDD public input                      30 days     PCP §1.6.1.2 [M]
JC consideration of a methodology     60 days     OECC-FAQ [P2]
... extended at most to               90 days     OECC-FAQ [P2]
crediting period, longest             not set     not retrieved [I]
====================================  ==========  ==================

Deadlines count calendar days (rules.md §2.4, implementation note)::

    >>> import datetime as dt
    >>> DEFAULT_RULESET.pdd_public_input_closes(dt.date(2025, 3, 1))
    datetime.date(2025, 3, 31)

A partner's own rules are added as data, never as code (:class:`Rulesets`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Final

import attrs

from jcm.core.authorization import FirstTransferTrigger
from jcm.core.ndc import Attribution
from jcm.core.party import check_party_code
from jcm.errors import InvalidValueError

__all__ = [
    "DEFAULT_RULESET",
    "DEFAULT_RULESETS",
    "Ruleset",
    "RulesetRef",
    "Rulesets",
    "ruleset_for",
]


@attrs.frozen
class RulesetRef:
    """Which ruleset decided an entry: its partner (``None``: the defaults) and version."""

    partner: str | None
    version: str


def _days(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidValueError(attribute.name, value, "must be a whole number of days >= 1 [d]")


def _years(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise InvalidValueError(attribute.name, value, "must be None or whole years >= 1 [y]")


def _optional_party(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        check_party_code(attribute.name, value)


def _version(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError(attribute.name, value, "must be a non-empty version string")


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that is not a leap year
        return day.replace(year=day.year + years, day=28)


@attrs.frozen
class Ruleset:
    """The periods of one version of one partner's JCM rules (rules.md §2.4).

    Parameters
    ----------
    partner
        ISO alpha-3 code of the partner whose Joint Committee adopted the rules; ``None`` for the
        defaults that apply where a partner has no rules of its own.
    version
        The version of the rules (``"default"``, ``"2023"``).
    methodology_completeness_days
        The secretariat checks a proposed methodology's completeness within this many days of its
        submission [d] (default 7).
    methodology_public_input_days
        A methodology's public input lasts this many days [d] (default 15).
    pdd_public_input_days
        A PDD's public input lasts this many days [d] (default 30).
    methodology_consideration_days
        The Joint Committee considers a methodology within this many days of the close of its
        public input [d] (default 60).
    methodology_consideration_max_days
        ... extended at most to this many days [d] (default 90).
    crediting_period_max_years
        The longest crediting period, and the longest renewal of one [y]; ``None`` (the default)
        sets no limit, as none was retrieved (rules.md §2.5).
    first_transfer_trigger
        What first transfers NDC-authorized credits of the partner's projects
        (:class:`~jcm.core.authorization.FirstTransferTrigger`; default: their issuance into the
        acquiring Party's registry, docs/rules.md §9.6 [I]).
    attribution
        To which year the partner's first transfers are attributed in its emissions balance
        (:class:`~jcm.core.ndc.Attribution`; default the year of the transfer, docs/rules.md
        §7.4 [I]).
    """

    partner: str | None = attrs.field(validator=_optional_party)
    version: str = attrs.field(validator=_version)
    methodology_completeness_days: int = attrs.field(default=7, validator=_days)
    methodology_public_input_days: int = attrs.field(default=15, validator=_days)
    pdd_public_input_days: int = attrs.field(default=30, validator=_days)
    methodology_consideration_days: int = attrs.field(default=60, validator=_days)
    methodology_consideration_max_days: int = attrs.field(default=90, validator=_days)
    crediting_period_max_years: int | None = attrs.field(default=None, validator=_years)
    first_transfer_trigger: FirstTransferTrigger = attrs.field(
        default=FirstTransferTrigger.ON_ISSUANCE_TO_ACQUIRING_REGISTRY,
        validator=attrs.validators.instance_of(FirstTransferTrigger),
    )
    attribution: Attribution = attrs.field(
        default=Attribution.TRANSFER_YEAR, validator=attrs.validators.instance_of(Attribution)
    )

    @property
    def ref(self) -> RulesetRef:
        """The reference an entry records for the rules this ruleset decided."""
        return RulesetRef(self.partner, self.version)

    def __attrs_post_init__(self) -> None:
        if self.methodology_consideration_max_days < self.methodology_consideration_days:
            raise InvalidValueError(
                "methodology_consideration_max_days",
                self.methodology_consideration_max_days,
                f"must not be shorter than methodology_consideration_days "
                f"({self.methodology_consideration_days}) [d]",
            )

    def methodology_completeness_due(self, submitted: dt.date) -> dt.date:
        """The last day for the completeness check of a methodology submitted on ``submitted``."""
        return submitted + dt.timedelta(days=self.methodology_completeness_days)

    def methodology_public_input_closes(self, start: dt.date) -> dt.date:
        """The first day on which a methodology's public input started on ``start`` may close."""
        return start + dt.timedelta(days=self.methodology_public_input_days)

    def methodology_consideration_due(self, start: dt.date, *, extended: bool = False) -> dt.date:
        """The last day of the JC's consideration that started on ``start`` (60 days, or 90)."""
        days = (
            self.methodology_consideration_max_days
            if extended
            else self.methodology_consideration_days
        )
        return start + dt.timedelta(days=days)

    def pdd_public_input_closes(self, start: dt.date) -> dt.date:
        """The first day on which a PDD's public input started on ``start`` may close."""
        return start + dt.timedelta(days=self.pdd_public_input_days)

    def crediting_period_latest_end(self, start: dt.date) -> dt.date | None:
        """The last day a crediting period (or renewal) starting on ``start`` may end, or None."""
        if self.crediting_period_max_years is None:
            return None
        return _add_years(start, self.crediting_period_max_years) - dt.timedelta(days=1)


DEFAULT_RULESET: Final = Ruleset(partner=None, version="default")
"""The periods of rules.md §2.4, for partners without rules of their own."""


def _rulesets(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not value:
        raise InvalidValueError(attribute.name, value, "must be a non-empty tuple of Ruleset")
    seen: set[tuple[str | None, str]] = set()
    for index, item in enumerate(value):
        if not isinstance(item, Ruleset):
            raise InvalidValueError(f"{attribute.name}[{index}]", item, "must be a Ruleset")
        key = (item.partner, item.version)
        if key in seen:
            raise InvalidValueError(
                f"{attribute.name}[{index}]", key, "must not repeat a (partner, version)"
            )
        seen.add(key)
    if not any(item.partner is None for item in value):
        raise InvalidValueError(attribute.name, value, "must hold a default ruleset (partner None)")


@attrs.frozen
class Rulesets:
    """Rulesets keyed by (partner, version), later versions after earlier ones.

    Parameters
    ----------
    rulesets
        The rulesets; at least one default (``partner`` None), and each (partner, version) once.
        For one partner, the last ruleset listed is its current one.
    """

    rulesets: tuple[Ruleset, ...] = attrs.field(validator=_rulesets)

    def with_ruleset(self, ruleset: Ruleset) -> Rulesets:
        """A copy with ``ruleset`` added (or replacing the one of the same partner and version)."""
        kept = tuple(
            r for r in self.rulesets if (r.partner, r.version) != (ruleset.partner, ruleset.version)
        )
        return Rulesets((*kept, ruleset))

    def lookup(self, partner: str | None, version: str | None = None) -> Ruleset:
        """The ruleset of ``partner`` (its current one unless ``version`` is given).

        A partner with no rules of its own gets the default ruleset. Raises
        ``InvalidValueError`` naming ``version`` when a version is asked for that neither the
        partner nor the defaults have.
        """
        if partner is not None:
            check_party_code("partner", partner)
        for candidates in (
            [r for r in self.rulesets if r.partner == partner] if partner is not None else [],
            [r for r in self.rulesets if r.partner is None],
        ):
            if not candidates:
                continue
            if version is None:
                return candidates[-1]
            for ruleset in candidates:
                if ruleset.version == version:
                    return ruleset
        known = sorted({r.version for r in self.rulesets if r.partner in (partner, None)})
        raise InvalidValueError(
            "version", version, f"no such ruleset for {partner or 'the defaults'}; known: {known}"
        )


DEFAULT_RULESETS: Final = Rulesets((DEFAULT_RULESET,))
"""The rulesets known out of the box: the defaults only."""


def ruleset_for(
    partner: str | None,
    version: str | None = None,
    *,
    rulesets: Rulesets | Iterable[Ruleset] = DEFAULT_RULESETS,
) -> Ruleset:
    """The ruleset that applies to projects hosted by ``partner`` (rules.md §2.4).

    Parameters
    ----------
    partner
        ISO alpha-3 code of the partner country, or ``None`` for the defaults.
    version
        A version of the rules; the partner's current one when ``None``.
    rulesets
        Where to look; the defaults of rules.md §2.4 unless given. A plain iterable without a
        default ruleset gets ``DEFAULT_RULESET`` added.
    """
    if isinstance(rulesets, Rulesets):
        table = rulesets
    else:
        given = tuple(rulesets)
        has_default = any(isinstance(r, Ruleset) and r.partner is None for r in given)
        table = Rulesets(given if has_default else (DEFAULT_RULESET, *given))
    return table.lookup(partner, version)
