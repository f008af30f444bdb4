"""The OffsetsDB export against offsets-db-data's own pandera schemas and pipeline vocabularies."""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from jcm.core.countries import partner_countries
from jcm.core.cycle import ProjectState
from jcm.exports import offsetsdb_csv
from jcm.exports.offsetsdb import PROJECT_STATUS, TRANSACTION_TYPES, offsetsdb_country
from jcm.registry import Registry

with warnings.catch_warnings():
    # pyjanitor, imported by offsets-db-data, still names pandas' PandasArray
    warnings.filterwarnings(
        "ignore", message="PandasArray has been renamed", category=FutureWarning
    )
    import country_converter
    import pandera.errors
    from offsets_db_data import models
    from offsets_db_data.projects import (
        add_first_issuance_and_retirement_dates,
        add_retired_and_issued_totals,
    )

DATA = Path(__file__).resolve().parents[1] / "data"
VOCABULARY: dict[str, Any] = json.loads(
    (DATA / "offsetsdb-vocabulary.json").read_text(encoding="utf-8")
)
CREDIT_DATES = ("transaction_date",)
PROJECT_DATES = ("listed_at", "first_issuance_at", "first_retirement_at")


def frame(text: str, dates: Sequence[str], lists: Sequence[str] = ()) -> pd.DataFrame:
    """A CSV table as OffsetsDB loads one: text cells, empty as null, dates in UTC, JSON lists."""
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    df = df.astype(object).where(df != "", None)
    for column in dates:
        df[column] = pd.to_datetime(df[column], utc=True)
    for column in lists:
        df[column] = [json.loads(v) if v is not None else None for v in df[column]]
    if "is_compliance" in df:
        df["is_compliance"] = df["is_compliance"].map({"True": True, "False": False}).astype(bool)
    return df


def credits_frame(registry: Registry) -> pd.DataFrame:
    """The credits table of ``registry`` as a DataFrame."""
    return frame(offsetsdb_csv(registry), CREDIT_DATES)


def projects_frame(registry: Registry) -> pd.DataFrame:
    """The projects table of ``registry`` as a DataFrame."""
    text = offsetsdb_csv(registry, table="projects")
    return frame(text, PROJECT_DATES, ("protocol", "protocol_unassigned"))


def test_credits_pass_the_offsetsdb_credit_schema(realistic: Registry) -> None:
    """Validates the credits with offsets-db-data's credit schema, types from its pipelines."""
    credits = models.credit_without_id_schema.validate(credits_frame(realistic))
    assert len(credits) > 0
    assert set(credits["transaction_type"]) == set(VOCABULARY["transaction_type"]["values"])
    assert (credits["quantity"] > 0).all()


def test_projects_pass_the_offsetsdb_project_schema(realistic: Registry) -> None:
    """Validates the projects table with offsets-db-data's project schema and vocabularies."""
    projects = models.project_schema.validate(projects_frame(realistic))
    assert set(projects["status"]) <= set(VOCABULARY["project_status"]["values"])
    assert set(projects["category"]) == {VOCABULARY["category"]["unmapped"]}
    assert list(projects["project_id"]) == list(realistic.state.projects)


def test_project_totals_and_dates_are_offsetsdb_s_own_fold(realistic: Registry) -> None:
    """Gives the totals and first dates that offsets-db-data computes from the credits."""
    credits = models.credit_without_id_schema.validate(credits_frame(realistic))
    ours = models.project_schema.validate(projects_frame(realistic))
    plain = ours.drop(columns=["issued", "retired", "first_issuance_at", "first_retirement_at"])
    theirs = add_retired_and_issued_totals(
        add_first_issuance_and_retirement_dates(plain, credits=credits), credits=credits
    )
    theirs = models.project_schema.validate(theirs)
    for column in ("issued", "retired", "first_issuance_at", "first_retirement_at"):
        assert list(ours[column].astype(object)) == list(theirs[column].astype(object)), column


def test_the_demo_projects_are_exact(demo: Registry) -> None:
    """Lists the demo's three projects, registered, with their countries and totals [tCO2e]."""
    projects = projects_frame(demo)
    rows = projects[["project_id", "status", "country", "issued", "retired"]]
    assert rows.values.tolist() == [
        ["DEMO-PH01", "registered", "Philippines", "15993", "0"],
        ["DEMO-VN01", "registered", "Vietnam", "54541", "0"],
        ["DEMO-CL01", "registered", "Chile", "29829", "1500"],
    ]
    assert list(projects["protocol_unassigned"]) == [
        ["awd-rice"],
        ["waste-to-energy"],
        ["solar-pv"],
    ]


def test_a_project_before_registration_is_listed(two_parties: Registry) -> None:
    """Lists a project with only its PIN as listed, with no credits and no first dates."""
    row = projects_frame(two_parties).set_index("project_id").loc["MN011"]
    assert (row["status"], row["issued"], row["retired"]) == ("listed", "0", "0")
    assert row["protocol_unassigned"] is None
    assert pd.isna(row["first_issuance_at"])


def test_every_project_state_has_an_offsetsdb_status() -> None:
    """Maps every project state to one of the statuses OffsetsDB harmonizes to."""
    assert set(PROJECT_STATUS) == set(ProjectState)
    assert set(PROJECT_STATUS.values()) <= set(VOCABULARY["project_status"]["values"])


def test_only_offsetsdb_transaction_types_are_written() -> None:
    """Writes issuances, retirements and cancellations only: no transfer."""
    assert set(TRANSACTION_TYPES.values()) == set(VOCABULARY["transaction_type"]["values"])
    assert "transfer" not in TRANSACTION_TYPES


def test_every_partner_is_named_as_offsetsdb_harmonizes_it() -> None:
    """Names every partner country as country_converter's 'name' (OffsetsDB's harmonization)."""
    converter = country_converter.CountryConverter()
    for country in partner_countries():
        assert offsetsdb_country(country.code) == converter.convert(country.code, to="name")


def test_the_schema_refuses_a_table_that_breaks_it(two_parties: Registry) -> None:
    """Refuses a credits table without project ids, so the validation above can fail."""
    credits = credits_frame(two_parties)
    credits.loc[0, "project_id"] = None
    with pytest.raises(pandera.errors.SchemaError, match="project_id"):
        models.credit_without_id_schema.validate(credits)
