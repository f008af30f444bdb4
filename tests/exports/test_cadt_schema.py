"""The CADT export against CADT's own v1 unit rules and picklists (tests/data/cadt-*.json)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from registry_world import issue, world

from jcm.core.countries import partner_countries
from jcm.errors import InvalidValueError
from jcm.exports import cadt_units
from jcm.exports.cadt import NO_CADT_COUNTRY, cadt_country
from jcm.registry import Registry

DATA = Path(__file__).resolve().parents[1] / "data"
RULES: dict[str, Any] = json.loads((DATA / "cadt-units-v1.json").read_text(encoding="utf-8"))
PICKLISTS: dict[str, list[str]] = json.loads(
    (DATA / "cadt-picklists.json").read_text(encoding="utf-8")
)["picklists"]


def _date(value: str) -> dt.date | None:
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _value(value: Any, spec: dict[str, Any], where: str) -> list[str]:
    kind = spec["type"]
    if kind == "string":
        if not isinstance(value, str):
            return [f"{where}: not text"]
        if value == "" and not spec.get("empty", False):
            return [f"{where}: empty"]
        picklist = spec.get("picklist")
        if picklist is not None and value not in PICKLISTS[picklist]:
            return [f"{where}: {value!r} not in picklist {picklist}"]
    elif kind == "integer":
        if type(value) is not int:
            return [f"{where}: not an integer"]
        if not spec.get("min", value) <= value <= spec.get("max", value):
            return [f"{where}: {value} out of range"]
    elif kind == "date":
        if not isinstance(value, str) or _date(value) is None:
            return [f"{where}: not a date"]
    elif kind == "object":
        return _record(value, RULES[spec["schema"]], where)
    elif kind == "array" and not isinstance(value, list):
        return [f"{where}: not a list"]
    elif kind == "timestamp" and type(value) is not int:
        return [f"{where}: not a timestamp"]
    return []


def _record(record: Any, fields: dict[str, dict[str, Any]], path: str) -> list[str]:
    if not isinstance(record, dict):
        return [f"{path}: not an object"]
    found = [f"{path}.{key}: not allowed" for key in record if key not in fields]
    for key, spec in fields.items():
        where = f"{path}.{key}"
        if key not in record:
            found += [f"{where}: required"] if spec["required"] else []
        elif record[key] is None:
            found += [] if spec["null"] else [f"{where}: null"]
        else:
            found += _value(record[key], spec, where)
        when = spec.get("required_when")
        if (
            when
            and str(record.get(when["field"])).lower() in when["in"]
            and record.get(key) is None
        ):
            found.append(f"{where}: required when {when['field']} is {record[when['field']]}")
        ref = spec.get("min_ref")
        if ref and isinstance(record.get(key), str) and isinstance(record.get(ref), str):
            end, start = _date(record[key]), _date(record[ref])
            if end is not None and start is not None and end < start:
                found.append(f"{where}: before {ref}")
        if spec.get("must_exist_in_cadt") and record.get(key) is not None:
            found.append(f"{where}: must name an issuance already in CADT")
    return found


def problems(unit: Any) -> list[str]:
    """Every rule of CADT's v1 unit schema (POST /v1/units) that ``unit`` breaks."""
    return _record(unit, RULES["unit"], "$")


def test_every_unit_of_a_realistic_registry_passes_cadt(realistic: Registry) -> None:
    """Passes every unit: required fields, no refused keys, types, picklists, cross-field rules."""
    units = cadt_units(realistic)
    assert len(units) >= 9
    assert {u["unitStatus"] for u in units} == {"Held", "Retired", "Cancelled"}
    assert [(i, problems(u)) for i, u in enumerate(units) if problems(u)] == []


def test_the_demo_gives_41_units_in_four_countries(demo: Registry) -> None:
    """Writes the demo's 41 units, held in Japan, the Philippines, Viet Nam and Chile."""
    units = cadt_units(demo)
    assert len(units) == 41
    assert {u["countryJurisdictionOfOwner"] for u in units} == {
        "Japan",
        "Philippines",
        "Viet Nam",
        "Chile",
    }
    assert {u["unitType"] for u in units} == {"Reduction - nature", "Reduction - technical"}
    assert sum(u["unitCount"] for u in units) == sum(demo.balances().values())


def test_the_checker_refuses_the_old_unit_shape(two_parties: Registry) -> None:
    """Refuses a unit with the keys CADT derives and the nulls the old export wrote."""
    unit = copy.deepcopy(cadt_units(two_parties)[0])
    unit |= {"issuanceId": "JPN01-34", "serialNumberBlock": "1-375", "unitRegistryLink": None}
    unit["serialNumberPattern"] = "^.*$"
    unit["issuance"] |= {"id": "JPN01-34", "verificationApproach": None}
    assert problems(unit) == [
        "$.issuanceId: not allowed",
        "$.serialNumberBlock: not allowed",
        "$.serialNumberPattern: not allowed",
        "$.unitRegistryLink: null",
        "$.issuance.id: must name an issuance already in CADT",
        "$.issuance.verificationApproach: null",
    ]


def test_the_checker_refuses_bad_types_values_and_cross_fields(two_parties: Registry) -> None:
    """Refuses a wrong enumeration, type, range, missing field, reason and date order."""
    retired = next(u for u in cadt_units(two_parties) if u["unitStatus"] == "Retired")
    unit = copy.deepcopy(retired)
    del unit["unitBlockEnd"]
    unit |= {"unitCount": "30", "vintageYear": 1899, "countryJurisdictionOfOwner": "Mongol"}
    unit |= {"unitStatusReason": None, "correspondingAdjustmentStatus": "Done", "unitOwner": ""}
    unit["issuance"] |= {"endDate": "2022-12-31", "verificationBody": None}
    assert problems(unit) == [
        "$.unitOwner: empty",
        "$.countryJurisdictionOfOwner: 'Mongol' not in picklist countries",
        "$.unitBlockEnd: required",
        "$.unitCount: not an integer",
        "$.vintageYear: 1899 out of range",
        "$.unitStatusReason: required when unitStatus is Retired",
        "$.correspondingAdjustmentStatus: 'Done' not in picklist correspondingAdjustmentStatus",
        "$.issuance.endDate: before startDate",
        "$.issuance.verificationBody: null",
    ]


def test_every_party_has_its_cadt_country_name_or_is_refused() -> None:
    """Names every JCM Party as CADT's picklist does, and refuses exactly those it lacks."""
    codes = ["JPN", *(p.code for p in partner_countries())]
    named = {}
    for code in codes:
        if code in NO_CADT_COUNTRY:
            with pytest.raises(InvalidValueError, match="countryJurisdictionOfOwner"):
                cadt_country(code)
        else:
            named[code] = cadt_country(code)
    assert set(named.values()) <= set(PICKLISTS["countries"])
    assert len(named) + len(NO_CADT_COUNTRY) == len(codes) == 32
    lacking = {p.code for p in partner_countries() if p.name not in PICKLISTS["countries"]}
    assert lacking > NO_CADT_COUNTRY  # the others only differ in spelling
    assert (named["VNM"], named["LAO"], named["TZA"]) == (
        "Viet Nam",
        "Lao People's Democratic Republic",
        "United Republic of Tanzania",
    )


def test_a_unit_held_in_a_registry_cadt_cannot_name_is_refused() -> None:
    """Refuses the export, naming the country, when credits are held in Kazakhstan's registry."""
    reg = world()
    issue(reg)
    kz_party = {"type": "add_party", "party": "KAZ", "registry_id": "KAZ01", "administrator": "kz"}
    reg.submit(kz_party, actor="operator")
    reg.submit(
        {"type": "open_account", "account": "KZ-GOV", "party": "KAZ",
         "kind": "government_holding", "holder": "kz"},
        actor="kz",
    )  # fmt: skip
    assert len(cadt_units(reg)) == 2  # the empty account gives no unit
    reg.submit({"type": "transfer", "from": "PP-A", "to": "KZ-GOV", "quantity": 5}, actor="pp-a")
    with pytest.raises(InvalidValueError, match="'Kazakhstan' is invalid: CADT's countries"):
        cadt_units(reg)
