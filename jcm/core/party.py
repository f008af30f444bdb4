"""Parties, the roles of JCM actors, and principals (an actor id bound to a role and a Party).

Roles follow ``shared/reference/rules.md`` §2.1 and the request table of ``shared/design/API.md``:
the registry operator, a Party's registry administrator, the bilateral Joint Committee, a
third-party entity (TPE, 認定検証機関 under Act Art. 57-3), a project participant and an account
holder.
"""

from __future__ import annotations

import enum
import re
from typing import Final

import attrs

from jcm.core.ids import check_identifier
from jcm.errors import InvalidValueError

__all__ = ["JAPAN", "PARTY_CODE", "Principal", "Role", "check_party_code"]

PARTY_CODE: Final = re.compile(r"^[A-Z]{3}$")
"""A Party is named by its ISO 3166-1 alpha-3 code (AEF-V2 "Party ID")."""

JAPAN: Final = "JPN"
"""Japan's ISO alpha-3 code: the acquiring Party of every JCM partnership."""


def check_party_code(field: str, value: object) -> str:
    """Return ``value`` if it is an ISO alpha-3 code (``JPN``), else raise naming ``field``."""
    if not isinstance(value, str) or not PARTY_CODE.match(value):
        raise InvalidValueError(field, value, "must be an ISO 3166-1 alpha-3 code such as 'JPN'")
    return value


def _identifier(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    check_identifier(attribute.name, value)


def _party_validator(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    check_party_code(attribute.name, value)


class Role(enum.Enum):
    """What an actor may do (API.md, "Registry requests")."""

    OPERATOR = "operator"
    REGISTRY_ADMINISTRATOR = "registry_administrator"
    JOINT_COMMITTEE = "joint_committee"
    THIRD_PARTY_ENTITY = "third_party_entity"
    PROJECT_PARTICIPANT = "project_participant"
    ACCOUNT_HOLDER = "account_holder"


@attrs.frozen
class Principal:
    """An actor known to the engine: an id, a role and (except for the operator) a Party.

    Parameters
    ----------
    id
        The principal's id as requests name it in ``actor`` (``"jcma"``, ``"pp-a"``).
    role
        Its ``Role``.
    party
        ISO alpha-3 code of the Party it acts for; ``None`` only for the operator. A Joint
        Committee is bilateral: its ``party`` is the partner country of the JC.
    """

    id: str = attrs.field(validator=_identifier)
    role: Role
    party: str | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(_party_validator),
    )
