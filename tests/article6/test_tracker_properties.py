"""Invariants of the ITMO tracker under random movements (hypothesis)."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from jcm.article6.action import ActionType
from jcm.article6.aef import AuthorizationRow, generate_aef
from jcm.article6.authorization import Authorization, FirstTransferDefinition, Purpose
from jcm.article6.consistency import check_aef
from jcm.article6.first_transfer import ItmoTracker, UnitStatus
from jcm.article6.ndc import DEFAULT_NDCS
from jcm.core.credit import CreditBlock, SerialRange
from jcm.errors import Article6Error

N = 200
NDC = Authorization(
    "MNG-1", "MNG", "CA0099", 1, dt.date(2025, 1, 1), {Purpose.NDC}, sectors=("Energy generation",)
)
OIMP = Authorization(
    "MNG-2",
    "MNG",
    "CA0099",
    1,
    dt.date(2025, 1, 1),
    {Purpose.IMP},
    oimp="CORSIA",
    sectors=("Transportation",),
    first_transfer_definition=FirstTransferDefinition.USE_OR_CANCELLATION,
)
PARTIES = ("MNG", "JPN", "KOR")

op = st.tuples(
    st.sampled_from(("transfer", "retire", "cancel")),
    st.integers(min_value=1, max_value=N),
    st.integers(min_value=0, max_value=40),
    st.sampled_from(PARTIES),
)


@given(ops=st.lists(op, max_size=25), auth=st.sampled_from((NDC, OIMP)))
def test_units_are_conserved_and_first_transferred_once(
    ops: list[tuple[str, int, int, str]], auth: Authorization
) -> None:
    """Keeps every unit exactly once and first transfers no unit twice, whatever the moves."""
    block = CreditBlock("MNG01", "MNG", "MN010", "MNG", 2024, SerialRange(1, N),
                        dt.date(2025, 2, 1), "1")  # fmt: skip
    t = ItmoTracker().authorize(auth, dt.date(2025, 1, 1)).issue(block, dt.date(2025, 2, 1))
    day = dt.date(2025, 3, 1)
    refused: list[str] = []
    for kind, start, length, party in ops:
        day += dt.timedelta(days=1)
        units = ("MNG01", SerialRange(start, min(start + length, N)))
        pieces = t.segments_of(*units)
        held = {p.location for p in pieces if p.status is UnitStatus.HELD}
        source = next(iter(held)) if len(held) == 1 else "MNG"
        try:
            if kind == "transfer":
                t = t.transfer(units, day, source, party)
            elif kind == "retire":
                t = t.retire(units, day, source)
            else:
                t = t.cancel(units, day, source, purpose="CORSIA" if start % 2 else None)
        except Article6Error as exc:
            refused.append(exc.code)
    assert set(refused) <= {"NOT_HELD", "ALREADY_USED", "NOT_FIRST_TRANSFERRED"}
    covered = sorted((s.block.serials.start, s.block.serials.end) for s in t.segments)
    assert covered[0][0] == 1
    assert covered[-1][1] == N
    assert all(a[1] + 1 == b[0] for a, b in pairwise(covered))
    firsts = sorted(
        (a.block.start, a.block.end) for a in t.actions if a.type is ActionType.FIRST_TRANSFER
    )
    assert all(a[1] < b[0] for a, b in pairwise(firsts))
    for party in PARTIES:
        report = generate_aef(party, 2025, ndc=DEFAULT_NDCS.for_party(party),
                              submitted_on=dt.date(2026, 4, 1), actions=t.actions,
                              holdings=t.holdings(party), authorizations=(auth,))  # fmt: skip
        known = (AuthorizationRow.from_authorization(auth),)
        problems = check_aef(report, previous_holdings=(), known_authorizations=known)
        assert problems.problems == ()
