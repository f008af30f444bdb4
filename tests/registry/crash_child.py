"""A small registry for the crash and tampering tests, and the child process the crash test kills.

As a module it gives :func:`setup_requests` (two Parties, a few accounts, one project through the
project cycle, one issuance) and :func:`build`. As a script::

    python crash_child.py REGISTRY.sqlite RUN SEED

it opens the registry and submits random transfers (one by one, and every fourth time a batch of
2 to 40 transfers of one credit through ``submit_batch``) until it is killed. Before a batch
it prints ``B KEY,KEY,...`` (the batch's idempotency keys, every one of which will be accepted);
after each acknowledged request it prints ``A ENTRY KEY`` (the receipt's entry number and the
key). Every line is flushed at once, and a batch's ``A`` lines come after ``submit_batch``
returned.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from typing import Any

from jcm.registry import Registry, Rejection

ACCOUNTS = tuple(f"JPN01-E{i}" for i in range(6))
"""The entity holding accounts of Japan's registry that trade."""
ISSUED = 10_000
"""Credits issued into ``ACCOUNTS[0]`` [tCO2e]."""
PROJECT = "MN001"


def holder(account: str) -> str:
    """The principal holding ``account``."""
    return account.replace("-E", "-H")


def setup_requests() -> Iterator[dict[str, Any]]:
    """The requests that build the small registry, in order (all by their actors)."""
    yield {
        "type": "add_party",
        "actor": "operator",
        "party": "JPN",
        "registry_id": "JPN01",
        "administrator": "jcma",
    }
    yield {
        "type": "add_party",
        "actor": "operator",
        "party": "MNG",
        "registry_id": "MNG01",
        "administrator": "mng-admin",
    }
    for principal, role in (
        ("jc", "joint_committee"),
        ("tpe", "third_party_entity"),
        ("pp", "project_participant"),
    ):
        yield {
            "type": "add_principal",
            "actor": "operator",
            "principal": principal,
            "role": role,
            "party": "MNG",
        }
    for account in ACCOUNTS:
        yield {
            "type": "add_principal",
            "actor": "jcma",
            "principal": holder(account),
            "role": "account_holder",
            "party": "JPN",
        }
        yield {
            "type": "open_account",
            "actor": "jcma",
            "account": account,
            "party": "JPN",
            "kind": "entity_holding",
            "holder": holder(account),
        }
    yield {
        "type": "open_account",
        "actor": "jcma",
        "account": "JPN01-RET",
        "party": "JPN",
        "kind": "retirement",
        "holder": "jcma",
    }
    period = {"start": "2023-01-01", "end": "2023-12-31"}
    project = PROJECT
    yield from (
        {
            "type": "submit_pin",
            "actor": "pp",
            "project": project,
            "partner": "MNG",
            "title": "Solar power at a test site",
            "sector": "energy",
            "participants": ["pp"],
        },
        {"type": "decide_no_objection", "actor": "jc", "project": project},
        {
            "type": "submit_pdd",
            "actor": "pp",
            "project": project,
            "methodology": "solar-pv",
            "methodology_version": "1.0",
            "crediting_period": {"start": "2021-01-01", "end": "2030-12-31"},
            "allocation": [{"party": "JPN", "account": ACCOUNTS[0], "share": "100"}],
        },
        {"type": "start_public_input", "actor": "jc", "project": project, "on": "2020-06-01"},
        {"type": "close_public_input", "actor": "jc", "project": project, "on": "2020-07-01"},
        {"type": "submit_validation_report", "actor": "tpe", "project": project, "positive": True},
        {"type": "register_project", "actor": "jc", "project": project},
        {"type": "submit_monitoring_report", "actor": "pp", "project": project, "period": period},
        {
            "type": "submit_verification_report",
            "actor": "tpe",
            "project": project,
            "period": period,
            "verified_reductions": ISSUED,
        },
        {"type": "request_issuance", "actor": "pp", "project": project, "period": period},
        {
            "type": "decide_issuance",
            "actor": "jc",
            "project": project,
            "period": period,
            "quantities_by_vintage": {"2023": ISSUED},
        },
        {"type": "issue", "actor": "jcma", "project": project, "period": period, "party": "JPN"},
    )


def build(registry: Registry) -> None:
    """Apply :func:`setup_requests` one by one; raise on any rejection."""
    for request in setup_requests():
        registry.submit(request)


def transfer(rng: random.Random, registry: Registry, key: str) -> dict[str, Any] | None:
    """A random transfer between :data:`ACCOUNTS` by quantity, or None if nothing is held."""
    held = [account for account in ACCOUNTS if registry.balance(account) > 0]
    if not held:
        return None
    source = rng.choice(held)
    target = rng.choice([account for account in ACCOUNTS if account != source])
    return {
        "type": "transfer",
        "actor": holder(source),
        "from": source,
        "to": target,
        "quantity": rng.randint(1, min(50, registry.balance(source))),
        "idempotency_key": key,
    }


def run(path: str, run_id: str, seed: int) -> None:
    """Submit random transfers to the registry at ``path`` forever, printing each ack."""
    rng = random.Random(seed)
    registry = Registry.open(path)
    out = sys.stdout
    step = 0
    while True:
        step += 1
        if step % 4 == 0:
            left = {account: registry.balance(account) for account in ACCOUNTS}
            batch = []
            for i in range(rng.randint(2, 40)):
                sources = [account for account, balance in left.items() if balance > 0]
                source = rng.choice(sources)
                left[source] -= 1  # credits received inside the batch are not counted
                target = rng.choice([account for account in ACCOUNTS if account != source])
                batch.append(
                    {
                        "type": "transfer",
                        "actor": holder(source),
                        "from": source,
                        "to": target,
                        "quantity": 1,
                        "idempotency_key": f"{run_id}-b{step}-{i}",
                    }
                )
            out.write("B " + ",".join(r["idempotency_key"] for r in batch) + "\n")
            out.flush()
            results = registry.submit_batch(batch)
            for request, result in zip(batch, results, strict=True):
                if isinstance(result, Rejection):
                    raise SystemExit(f"batch member rejected: {result.to_json()}")
                out.write(f"A {result.entry} {request['idempotency_key']}\n")
            out.flush()
        else:
            request = transfer(rng, registry, f"{run_id}-s{step}")
            if request is not None:
                receipt = registry.submit(request)
                out.write(f"A {receipt.entry} {request['idempotency_key']}\n")
                out.flush()


if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2], int(sys.argv[3]))
