"""Sync against a platform as harsh as RingCentral's: sessions deleted, host-only interfaces,
sessions that never ran, glitching listings, endless paging, a second client on the credential.

Each case leaves the sync complete for every other session, says what it could not read, and
lets later syncs run clean.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import polars as pl
import pytest

from webinar_insights import ConfigurationError, DataWarning
from webinar_insights.client import Client, RetryPolicy
from webinar_insights.report import report_from_store
from webinar_insights.simulator import Simulator, SimulatorConfig, serve
from webinar_insights.simulator import _render as render
from webinar_insights.store import NEVER_RAN_GRACE, SessionState, Store
from webinar_insights.syncing import _Run, sync

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
WHOLE = {"start": "2025-09-01", "end": "2026-12-31"}
RETRY = RetryPolicy(base_delay=0.01, max_delay=0.05, retry_after_default=0.02)


def make_sim(**options: Any) -> Simulator:
    options = {"seed": 3, "scale": 50, "now": NOW, "rate_limit_window": 0.02, **options}
    return Simulator(SimulatorConfig(**options))


def client_of(sim: Simulator, transport: httpx.BaseTransport | None = None) -> Client:
    client = Client.simulator(simulator=sim, progress=False, retry=RETRY)
    if transport is not None:
        client._http._transport = transport
    return client


def requests(sim: Simulator) -> dict[str, int]:
    return dict(sim.stats()["requests"])


def delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {k: v - before.get(k, 0) for k, v in after.items() if v != before.get(k, 0)}


def people_match(
    store: Store,
    sim: Simulator,
    *,
    skip: set[str] = frozenset(),
    participants: bool = True,  # type: ignore[assignment]
) -> None:
    """Every session the simulator still has (but ``skip``) has all its people in the store."""
    now = sim.now()
    alive = [s for s in sim.program.sessions if s.session_id not in sim.deleted_session_ids]
    got_r = dict(store.registrants().group_by("session_id").len().iter_rows())
    got_p = dict(store.participants().group_by("session_id").len().iter_rows())
    for s in alive:
        if s.session_id in skip:
            continue
        assert got_r.get(s.session_id, 0) == len(render.visible_registrants(sim.program, s, now))
        if participants and s.status(now) == "Finished":  # fetched once it is over
            assert got_p.get(s.session_id, 0) == len(sim_participants(sim, s)), s.session_id


def sim_participants(sim: Simulator, session: Any) -> list[Any]:
    if sim.never_ran(session):
        return []
    return render.visible_participants(sim.program, session, sim.now())


def test_a_session_deleted_between_syncs_is_dropped_and_later_syncs_are_clean(
    tmp_path: Path,
) -> None:
    sim = make_sim()
    store = Store(tmp_path)
    with client_of(sim) as client:
        sync(client, store, depth="participants", **WHOLE)
        scheduled = store.sessions().filter(status="Scheduled")["session_id"].to_list()
        victim = scheduled[0]
        sim.delete_session(victim)
        second = sync(client, store, depth="participants", **WHOLE)
        assert victim not in store.sessions()["session_id"].to_list()
        assert victim not in store.registrants()["session_id"].to_list()
        assert any(victim in line and "gone" in line for line in second.problems)
        assert "1 session gone: deleted on the server; its own record answers HTTP 404" in str(
            second
        )
        assert f"(session {victim})" in str(second)
        people_match(store, sim)
        for refresh in (False, True):
            again = sync(client, store, depth="participants", full_refresh=refresh, **WHOLE)
            assert again.problems == ()
    assert [p.problem for p in store.problems()] == ["gone"]
    # The raw history keeps what was fetched before the deletion.
    assert (tmp_path / "raw" / "registrants" / victim).is_dir()


def test_sessions_deleted_right_after_listing_cost_no_other_session(tmp_path: Path) -> None:
    sim = make_sim(delete_after_listing=0.5)
    store = Store(tmp_path)
    with client_of(sim) as client:
        first = sync(client, store, depth="participants", **WHOLE)
        gone = set(sim.deleted_session_ids)
        assert gone  # the option did something
        assert {line.split()[1].rstrip(":") for line in first.problems} == gone
        assert not gone & set(store.sessions()["session_id"])
        people_match(store, sim)
        before = requests(sim)
        second = sync(client, store, depth="participants", **WHOLE)
        assert second.problems == ()
        spent = delta(before, requests(sim))
        # Nothing is asked of the gone sessions again (their GET, registrants or participants).
        assert "rcwHistoryGetSession" not in spent
    assert len(store.problems()) == len(gone)
    assert store.provenance()["problems"] == [
        f"{len(gone)} sessions gone: deleted on the server; its own record answers HTTP 404"
        f" CMN-102 (sessions {', '.join(p.session_id for p in store.problems()[:3])}"
        + (f" and {len(gone) - 3} more)" if len(gone) > 3 else ")")
    ]
    report = report_from_store(store, start="2026-01-01", end="2026-12-31", now=NOW)
    noted = [n for n in report.notes if n.startswith("Not read when the store was synced")]
    assert len(noted) == 1 and store.provenance()["problems"][0] in noted[0]


def test_a_forbidden_participants_list_is_recorded_and_not_asked_again(tmp_path: Path) -> None:
    sim = make_sim(host_only_participants=True)
    me = sim.current_user.user_id
    store = Store(tmp_path)
    with client_of(sim) as client:
        first = sync(client, store, depth="participants", **WHOLE)
        sessions = store.sessions()
        mine = set(sessions.filter(pl.col("host_user_id") == me)["session_id"])
        others = set(sessions.filter(pl.col("host_user_id") != me, status="Finished")["session_id"])
        assert mine and others
        forbidden = {p.session_id for p in store.problems() if p.problem == "forbidden"}
        assert forbidden >= others
        assert all(p.kind == "participants" for p in store.problems())
        assert any("forbidden" in line for line in first.problems)
        # Registrants of every session and participants of the user's own ones were stored.
        people_match(store, sim, skip=forbidden)
        assert set(store.participants()["session_id"]) & others == set()
        before = requests(sim)
        sync(client, store, depth="participants", **WHOLE)
        assert "rcwHistoryListParticipants" not in delta(before, requests(sim))
        before = requests(sim)
        sync(client, store, depth="participants", full_refresh=True, **WHOLE)
        assert delta(before, requests(sim))["rcwHistoryListParticipants"] >= len(others)


def test_a_session_that_never_ran_is_fetched_once_and_settles(tmp_path: Path) -> None:
    sim = make_sim(never_ran_share=0.3, scale=60)
    # Overdue by more than the grace: a session that should have ended an hour ago may still run.
    never = {
        s.session_id
        for s in sim.program.sessions
        if sim.never_ran(s) and s.scheduled_end + NEVER_RAN_GRACE <= NOW
    }
    assert never
    store = Store(tmp_path)
    with client_of(sim) as client:
        first = sync(client, store, depth="registrants", **WHOLE)
        assert first.never_ran == len(never)
        assert "never ran" in str(first)
        before = requests(sim)
        again = sync(client, store, depth="registrants", **WHOLE)
        assert again.registrants_fetched < len(never)  # only sessions that can still change
        spent = delta(before, requests(sim))
        assert spent.get("rcwRegListRegistrants", 0) == again.registrants_fetched
        past = {"start": "2026-01-01", "end": "2026-08-31"}
        sync(client, store, depth="registrants", **past)
        before = requests(sim)
        settled = sync(client, store, depth="registrants", **past)
        assert settled.requests == 0 or delta(before, requests(sim)) == {}
    registrants = set(store.registrants()["session_id"])
    assert never & registrants  # their registrants (people who registered; nobody came) kept
    report = report_from_store(store, start="2026-01-01", end="2026-10-31", now=NOW)
    noted = [n for n in report.notes if "never ran" in n]
    assert noted and noted[0].startswith(
        f"{len(never & set(report.frames['sessions']['session_id']))} sessions"
    )


class Glitch(httpx.BaseTransport):
    """Pass requests to the simulator, but let ``alter`` rewrite chosen answers."""

    def __init__(
        self, inner: httpx.BaseTransport, alter: Callable[[httpx.Request], httpx.Response | None]
    ):
        self.inner = inner
        self.alter = alter
        self.enabled = True

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.enabled:
            altered = self.alter(request)
            if altered is not None:
                return altered
        return self.inner.handle_request(request)


def test_an_empty_listing_loses_nothing_and_settles_nothing(tmp_path: Path) -> None:
    sim = make_sim()
    store = Store(tmp_path)
    with client_of(sim) as client:
        sync(client, store, depth="registrants", **WHOLE)
        clean = store.sessions().sort("session_id")

    def empty(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("/company/sessions"):
            return httpx.Response(200, json={"records": [], "paging": {"perPage": 1000}})
        return None

    def settled_sessions() -> int:
        """Known sessions inside a settled stretch (an empty stretch may settle: it was empty)."""
        stretches = store.coverage("company").settled
        return sum(any(s.holds(end) for s in stretches) for end in clean["end_time"])

    glitch = Glitch(sim.transport(), empty)
    with client_of(sim, glitch) as client:
        sync(client, store, depth="registrants", full_refresh=True, **WHOLE)
        assert store.sessions().sort("session_id")["session_id"].equals(clean["session_id"])
        assert settled_sessions() == 0
        glitch.enabled = False
        sync(client, store, depth="registrants", **WHOLE)  # disagrees with the empty one
        assert settled_sessions() == 0
        sync(client, store, depth="registrants", **WHOLE)  # two clean listings agree: settled
        assert settled_sessions() > 10
        assert sync(client, store, depth="registrants", **WHOLE).settled != ()
    assert store.sessions().sort("session_id")["session_id"].equals(clean["session_id"])
    assert store.problems() == []


def test_an_endless_paging_chain_fails_that_unit_only(tmp_path: Path) -> None:
    sim = make_sim()
    store = Store(tmp_path)
    with client_of(sim) as client:
        sessions = client.list_sessions(WHOLE["start"], WHOLE["end"])
    victim = next(s["id"] for s in sessions if s["status"] == "Finished")
    counter = iter(range(100_000))

    def endless(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith(f"/sessions/{victim}/registrants"):
            token = f"t{next(counter)}"
            return httpx.Response(
                200, json={"records": [], "paging": {"perPage": 1000, "nextPageToken": token}}
            )
        return None

    glitch = Glitch(sim.transport(), endless)
    with client_of(sim, glitch) as client:
        first = sync(client, store, depth="registrants", **WHOLE)
        assert [p.session_id for p in store.problems()] == [victim]
        assert "empty pages in a row" in first.problems[0]
        people_match(store, sim, skip={victim}, participants=False)
        glitch.enabled = False
        second = sync(client, store, depth="registrants", **WHOLE)
        assert second.problems == ()
    assert store.problems() == []
    people_match(store, sim, participants=False)


def test_records_without_an_id_never_name_a_session_none(tmp_path: Path) -> None:
    sim = make_sim()

    def strip_ids(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("/company/sessions"):
            answer = sim.transport().handle_request(request)
            body = json.loads(answer.read())
            for record in body["records"][:2]:
                record.pop("id", None)
            headers = {k: v for k, v in answer.headers.items() if k.lower() != "content-length"}
            return httpx.Response(200, json=body, headers=headers)
        return None

    store = Store(tmp_path)
    with client_of(sim, Glitch(sim.transport(), strip_ids)) as client:
        with pytest.warns(DataWarning, match=r"session record\(s\) in the listings had no id"):
            poisoned = sync(client, store, depth="registrants", **WHOLE)
        states = store.session_states()
        assert store.sessions()["session_id"].null_count() == 0
    assert "None" not in states and "" not in states
    assert poisoned.quarantined and "set aside" in str(poisoned)
    assert "'id' is missing" in poisoned.quarantined[0]
    report = report_from_store(store, start="2025-09-01", end="2026-12-31", now=NOW)
    assert any(n.startswith("Read but not usable") for n in report.notes)
    with client_of(sim) as client:
        again = sync(client, store, depth="registrants", **WHOLE)
    assert again.problems == ()
    assert again.quarantined == ()  # the listings were asked again and came back whole


def test_a_manifest_from_before_these_columns_is_upgraded(tmp_path: Path) -> None:
    sim = make_sim(scale=20)
    store = Store(tmp_path)
    with client_of(sim) as client:
        sync(client, store, depth="registrants", **WHOLE)
    store.close()
    db = sqlite3.connect(tmp_path / "manifest.sqlite")
    for column in ("end_time", "participants", "gone"):
        db.execute(f"ALTER TABLE sessions DROP COLUMN {column}")
    db.execute("DROP TABLE problems")
    db.commit()
    db.close()
    reopened = Store(tmp_path)
    with client_of(sim) as client:
        summary = sync(client, reopened, depth="registrants", **WHOLE)
    assert summary.problems == ()
    assert reopened.sessions().height == 20


def test_hosts_must_be_a_list(tmp_path: Path) -> None:
    with client_of(make_sim(scale=5)) as client, pytest.raises(ConfigurationError, match="list"):
        sync(client, Store(tmp_path), hosts="62000001", **WHOLE)  # type: ignore[arg-type]
    assert not tmp_path.joinpath("manifest.sqlite").exists()


def test_nothing_is_created_before_the_server_answers(tmp_path: Path) -> None:
    client = Client(
        server_url="http://127.0.0.1:9",
        client_id="a",
        client_secret="b",
        jwt="c",
        limiter_dir=None,
        retry=RetryPolicy(base_delay=0.05, unreachable_after=0.3),
    )
    with pytest.raises(Exception, match="cannot reach"):
        sync(client, Store(tmp_path / "store"), **WHOLE)
    assert not (tmp_path / "store").exists()


@pytest.mark.network
def test_two_processes_on_two_stores_share_the_credential_budget(tmp_path: Path) -> None:
    """Two CLI syncs of one credential into two stores at once: RingCentral counts them
    together, and so must they (zero 429s). The same two with limiter folders of their own
    (the old per-store limiter) do meet 429s, so this test can tell the difference."""
    sim = make_sim(scale=60, rate_limit_window=0.4, now=NOW)
    config = sim.config
    env = {
        **os.environ,
        "RC_APP_CLIENT_ID": config.client_id,
        "RC_APP_CLIENT_SECRET": config.client_secret,
        "RC_USER_JWT": config.jwt,
    }

    def run_pair(limiters: tuple[Path, Path]) -> tuple[int, list[str]]:
        sim.reset_stats()
        with serve(sim) as server:
            processes = [
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "webinar_insights.cli",
                        "sync",
                        "--server-url",
                        server.url,
                        "--from",
                        "2026-06-01",
                        "--to",
                        "2026-10-31",
                        "--depth",
                        "registrants",
                        "--store",
                        str(tmp_path / f"store-{i}-{limiter.name}"),
                        "--no-progress",
                    ],
                    env={**env, "WEBINAR_INSIGHTS_LIMITER_DIR": str(limiter)},
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for i, limiter in enumerate(limiters)
            ]
            outputs = [p.communicate(timeout=120) for p in processes]
        failures = [err for p, (_out, err) in zip(processes, outputs, strict=True) if p.returncode]
        return int(sim.stats()["rate_limited"]), failures

    shared = tmp_path / "shared-limiter"
    assert run_pair((shared, shared)) == (0, [])
    refused, _ = run_pair((tmp_path / "one", tmp_path / "two"))
    assert refused > 0  # pacing apart, they trip each other (and may die in the penalty trap)


def test_people_registering_after_the_webinar_are_fetched_at_the_checkpoints(
    tmp_path: Path,
) -> None:
    """Registrants for the recording keep coming for weeks after a session ended, and its
    record does not change for them: the sync asks again 1, 7 and 30 days after its end."""
    sim = make_sim(scale=80)
    store = Store(tmp_path)
    recent = [
        s.session_id
        for s in sim.program.sessions
        if s.status(NOW) == "Finished" and NOW - s.end_time < timedelta(days=25)
    ]
    assert recent

    def counts() -> dict[str, int]:
        frame = store.registrants().filter(pl.col("session_id").is_in(recent))
        return dict(frame.group_by("session_id").len().iter_rows())

    with client_of(sim) as client:
        sync(client, store, depth="registrants", **WHOLE)
        before_checkpoint = counts()
        sim.advance(timedelta(days=12))  # past the 30-day checkpoint of the recent sessions
        sync(client, store, depth="registrants", **WHOLE)
        people_match(store, sim, participants=False)
        assert any(counts().get(sid, 0) > before_checkpoint.get(sid, 0) for sid in recent)
        before = requests(sim)
        again = sync(client, store, depth="registrants", **WHOLE)
        spent = delta(before, requests(sim)).get("rcwRegListRegistrants", 0)
        assert spent == again.registrants_fetched  # no checkpoint left for them: not asked again


def test_a_manifest_row_without_a_webinar_id_fails_that_list_only(tmp_path: Path) -> None:
    """A manifest row from an older version may lack the webinar id that the participants'
    path needs: that one list fails (named), nothing raises, nothing is sent for it."""
    sim = make_sim(scale=5)
    store = Store(tmp_path)
    with client_of(sim) as client:
        run = _Run(client, store, depth="participants", full_refresh=False)
        orphan = SessionState("500000001", None, "Finished", None, "company/2026-10")
        before = requests(sim)
        assert run.fetch(orphan, "participants") is True
        assert delta(before, requests(sim)) == {}
    assert [str(p) for p in store.problems()] == [
        "participants of session 500000001: failed: no webinar id is known for this session yet"
    ]


def test_one_listing_then_upcoming_soonest_then_past_newest_first(tmp_path: Path) -> None:
    """One listing for the whole range, then people of upcoming sessions soonest first and of
    past ones newest first, so an interrupted first sync holds the newest data."""
    sim = make_sim(scale=40)
    asked: list[str] = []

    def log(request: httpx.Request) -> httpx.Response | None:
        asked.append(str(request.url))
        return None

    with client_of(sim, Glitch(sim.transport(), log)) as client:
        sync(client, Store(tmp_path), depth="registrants", **WHOLE)
    assert sum("/company/sessions" in u for u in asked) == 1
    ends = {s.session_id: s.listed_end_time(NOW) for s in sim.program.sessions}
    fetched = [
        u.split("/sessions/")[1].split("/")[0]
        for u in asked
        if u.split("?")[0].endswith("/registrants")
    ]
    # Upcoming sessions soonest first, then past ones newest first.
    order = [(0, ends[sid] - NOW) if ends[sid] >= NOW else (1, NOW - ends[sid]) for sid in fetched]
    assert len(fetched) > 20 and order == sorted(order)
    assert order[0][0] == 0 and order[-1][0] == 1
