"""Nothing a server sends can poison the store: one row per attack, each through a real client
over real HTTP into a real store, then a resume against the healthy server that must store
exactly what a clean sync stores.

The attacked sync may finish (listing what it could not read) or stop with one clear line; it
must never hang, blow up memory, or leave the store in a state a healthy server cannot mend.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.support.hostile import (
    Attack,
    HostileServer,
    any_listing,
    edit_json,
    gzip_bomb,
    huge_body,
    people_of,
    set_header,
    trickle,
)
from webinar_insights import DataWarning, WebinarInsightsError
from webinar_insights.client import Client, RetryPolicy
from webinar_insights.simulator import SimResponse, Simulator, SimulatorConfig
from webinar_insights.store import Store
from webinar_insights.syncing import SyncSummary, sync

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
RANGE = {"start": "2025-12-01", "end": "2026-11-30"}
CONFIG = SimulatorConfig(seed=5, scale=40, now=NOW, rate_limit_window=0.01)
# A session of that program with registrants and participants (checked in the clean fixture).
VICTIM = "500000003"


def _client(url: str, *, fail_fast: bool = False) -> Client:
    return Client(
        server_url=url,
        client_id=CONFIG.client_id,
        client_secret=CONFIG.client_secret,
        jwt=CONFIG.jwt,
        timeout=1.0,
        progress=False,
        limiter_dir=None,
        fail_fast=fail_fast,
        retry=RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05, retry_after_default=0.01),
    )


def _tables(store: Store) -> dict[str, pl.DataFrame]:
    return {
        "sessions": store.sessions().sort("session_id"),
        "registrants": store.registrants().sort("session_id", "registrant_id"),
        "participants": store.participants().sort("session_id", "participant_id"),
    }


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    store = Store(tmp_path_factory.mktemp("clean"))
    with HostileServer(Simulator(CONFIG), []) as url, _client(url) as client:
        sync(client, store, depth="participants", **RANGE)
    tables = _tables(store)
    assert tables["registrants"].filter(session_id=VICTIM).height > 0
    assert tables["participants"].filter(session_id=VICTIM).height > 0
    return tables


def _invented_pages() -> Callable[[SimResponse], SimResponse]:
    """A server that invents a next page forever, each full of new participants."""
    counter = itertools.count()

    def rewrite(answer: SimResponse) -> SimResponse:
        n = next(counter)
        records = [{"id": f"invented-{n}-{i}", "displayName": "x"} for i in range(50)]
        body = {"records": records, "paging": {"perPage": 1000, "nextPageToken": f"tok-{n}"}}
        answer.status, answer.body = 200, json.dumps(body).encode()
        return answer

    return rewrite


def _status(code: int, error: str) -> Callable[[SimResponse], SimResponse]:
    def rewrite(answer: SimResponse) -> SimResponse:
        answer.status = code
        answer.body = json.dumps({"errors": [{"errorCode": error, "message": "attack"}]}).encode()
        return answer

    return rewrite


def _first_record(change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    return lambda body: change(body["records"][0]) if body.get("records") else None


@dataclass
class Row:
    attacks: list[Attack]
    fail_fast: bool = False
    resume_full_refresh: bool = False
    check: Callable[[SyncSummary | WebinarInsightsError, Store], None] | None = None
    max_seconds: float = 30.0
    warns: str | None = None  # a DataWarning the attacked sync must give


def _listed_problem(kind: str) -> Callable[[SyncSummary | WebinarInsightsError, Store], None]:
    def check(outcome: SyncSummary | WebinarInsightsError, store: Store) -> None:
        assert isinstance(outcome, SyncSummary), outcome
        assert any(kind in line for line in outcome.problems), outcome.problems

    return check


ROWS: dict[str, Row] = {
    "an empty listing": Row(
        [Attack("empty", any_listing, edit_json(lambda b: b.update(records=[])))]
    ),
    "shrunken listing (every other session left out)": Row(
        [
            Attack(
                "half",
                any_listing,
                edit_json(lambda b: b.update(records=b["records"][::2])),
            )
        ]
    ),
    "listing records without an id": Row(
        [Attack("no id", any_listing, edit_json(_first_record(lambda r: r.pop("id"))))],
        warns="had no id",
    ),
    "a record that is an object as id": Row(
        [
            Attack(
                "object id",
                any_listing,
                edit_json(_first_record(lambda r: r.update(id={"a": 1}))),
            )
        ],
        warns="had no id",
    ),
    "a count sent as a string": Row(
        [
            Attack(
                "string count",
                any_listing,
                edit_json(_first_record(lambda r: r.update(uniqueParticipantCount="12"))),
            )
        ],
        warns="quarantined",
    ),
    "a listing record without webinar": Row(
        [
            Attack(
                "no webinar",
                any_listing,
                edit_json(_first_record(lambda r: r.pop("webinar"))),
            )
        ],
        warns="quarantined",
    ),
    "a listing record that is not an object": Row(
        [
            Attack(
                "not an object",
                any_listing,
                edit_json(lambda b: b["records"].append("oops")),
            )
        ],
        warns="quarantined",
    ),
    "one registrant with a bad value": Row(
        [
            Attack(
                "bad registrant",
                people_of("registrants", VICTIM),
                edit_json(_first_record(lambda r: r.update(registrationTime="not a time"))),
            )
        ],
        warns="quarantined",
    ),
    "a list as page token": Row(
        [
            Attack(
                "list token",
                any_listing,
                edit_json(lambda b: b["paging"].update(nextPageToken=["a"])),
            )
        ],
        check=_listed_problem("sessions listing"),
    ),
    "a page token that never ends (invented pages)": Row(
        [Attack("endless", people_of("participants", VICTIM), _invented_pages(), times=None)],
        check=_listed_problem("participants of session"),
    ),
    "404 on one session's registrants (the session exists)": Row(
        [Attack("404", people_of("registrants", VICTIM), _status(404, "CMN-102"), times=None)],
        check=_listed_problem(f"registrants of session {VICTIM}: failed"),
    ),
    "403 on one session's participants": Row(
        [Attack("403", people_of("participants", VICTIM), _status(403, "CMN-419"), times=None)],
        resume_full_refresh=True,
        check=_listed_problem(f"participants of session {VICTIM}: forbidden"),
    ),
    "Retry-After: 1e9 on a 429": Row(
        [Attack("1e9", any_listing, set_header("Retry-After", "1e9", status=429))],
        fail_fast=True,
    ),
    "Retry-After: inf on a 429": Row(
        [Attack("inf", any_listing, set_header("Retry-After", "inf", status=429))]
    ),
    "X-Rate-Limit-Window: 1e9 on every answer": Row(
        # After the listings taught the real window: the absurd one must not replace it.
        [
            Attack(
                "window",
                people_of("registrants"),
                set_header("X-Rate-Limit-Window", "1e9"),
                times=None,
            )
        ],
        max_seconds=15,
    ),
    "a trickle: one byte every 50 ms": Row(
        [Attack("trickle", people_of("registrants", VICTIM), trickle(0.05))]
    ),
    "a 1 GiB gzip bomb on every try": Row(
        [Attack("bomb", people_of("registrants", VICTIM), gzip_bomb(2**30), times=None)],
        check=_listed_problem(f"registrants of session {VICTIM}: failed"),
    ),
    "a 200 MB body once": Row(
        [Attack("huge", people_of("participants", VICTIM), huge_body(200 * 2**20))]
    ),
}


@pytest.mark.network
@pytest.mark.parametrize("name", list(ROWS))
def test_attack_leaves_nothing_lost_or_poisoned(
    name: str, tmp_path: Path, clean: dict[str, pl.DataFrame]
) -> None:
    row = ROWS[name]
    store = Store(tmp_path)
    sim = Simulator(CONFIG)
    started = time.monotonic()
    outcome: SyncSummary | WebinarInsightsError
    warned = pytest.warns(DataWarning, match=row.warns) if row.warns else nullcontext()
    with HostileServer(sim, row.attacks) as url, _client(url, fail_fast=row.fail_fast) as client:
        try:
            with warned:
                outcome = sync(client, store, depth="participants", **RANGE)
        except WebinarInsightsError as error:
            outcome = error
    if isinstance(outcome, WebinarInsightsError):
        assert "\n" not in str(outcome)  # one line, naming what failed
    assert time.monotonic() - started < row.max_seconds
    assert all(attack.used for attack in row.attacks), "the attack never fired"
    if row.check is not None:
        row.check(outcome, store)
    with HostileServer(sim, []) as url, _client(url) as client:
        sync(client, store, depth="participants", full_refresh=row.resume_full_refresh, **RANGE)
    resumed = _tables(store)
    for table, frame in clean.items():
        assert_frame_equal(resumed[table], frame, check_row_order=True)
