"""The shortest wait: what ``sync --plan`` promises is what the sync then sends, a budget stops a
sync cleanly with the sessions nearest to now done, and a report reads a store mid-sync."""

from __future__ import annotations

import importlib
import math
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from webinar_insights import ConfigurationError, SyncInterrupted
from webinar_insights.client import Client
from webinar_insights.simulator import Simulator, SimulatorConfig
from webinar_insights.store import Store
from webinar_insights.syncing import plan, sync

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
RANGE = {"start": "2025-11-01", "end": "2026-12-10"}


def make_sim(scale: int = 60) -> Simulator:
    return Simulator(SimulatorConfig(seed=11, scale=scale, now=NOW, rate_limit_window=0.01))


def webinar_requests(sim: Simulator) -> dict[str, int]:
    """Requests by operation, the sign-in (Auth group, not Webinar) left out."""
    return {k: v for k, v in sim.stats()["requests"].items() if k != "getToken"}


def spent(before: dict[str, int], after: dict[str, int]) -> int:
    return sum(after.values()) - sum(before.values())


def test_a_warm_plan_is_exactly_what_the_sync_then_sends(tmp_path: Path) -> None:
    sim = make_sim()
    store = Store(tmp_path)
    with Client.simulator(simulator=sim, progress=False) as client:
        sync(client, store, depth="participants", **RANGE)
        for days in (1, 3, 8):  # registrants of soon sessions due, then weekly ones, checkpoints
            sim.advance(timedelta(days=days))
            before = webinar_requests(sim)
            promised = plan(client, store, depth="participants", **RANGE)
            planned = webinar_requests(sim)
            assert spent(before, planned) == promised.listing_requests + promised.confirmations
            summary = sync(client, store, depth="participants", **RANGE)
            assert promised.unsized == 0  # every list was fetched before: its size is known
            assert spent(planned, webinar_requests(sim)) == promised.requests
            assert promised.registrants == summary.registrants_fetched
            assert promised.participants == summary.participants_fetched


def test_a_cold_plan_counts_each_unsized_registrant_list_as_one_request(tmp_path: Path) -> None:
    sim = make_sim()
    store = Store(tmp_path / "store")
    with Client.simulator(simulator=sim, progress=False) as client:
        promised = plan(client, store, depth="participants", **RANGE)
        assert not store.exists  # a plan writes nothing
        before = webinar_requests(sim)
        sync(client, store, depth="participants", **RANGE)
        sent = spent(before, webinar_requests(sim))
    extra = sum(
        math.ceil(n / 1000) - 1 for n in store.registrants().group_by("session_id").len()["len"]
    )
    assert promised.unsized == promised.registrants == store.sessions().height
    assert sent == promised.requests + extra
    assert str(promised).startswith(f"at least {promised.requests:,} requests ≈ ")
    assert "at 10/min" in str(promised)


def test_a_budget_stops_cleanly_nearest_first_and_the_next_sync_does_the_rest(
    tmp_path: Path,
) -> None:
    sim = make_sim()
    store = Store(tmp_path)
    with Client.simulator(simulator=sim, progress=False) as client:
        before = webinar_requests(sim)
        short = sync(client, store, depth="registrants", budget=25, **RANGE)
        assert spent(before, webinar_requests(sim)) <= 25
        assert short.left > 0 and "budget" in str(short)
        assert store.incomplete() == [
            f"the last sync stopped early: registrants of {short.left:,} sessions not fetched"
            " (the next sync fetches them)"
        ]
        # Its range counts as covered for sessions only: comparisons of people figures wait.
        covered = store.synced_ranges()
        assert covered["sessions"] and covered["registrants"] == ()
        # What was fetched comes first in the order: upcoming soonest, then past newest.
        sessions = store.sessions().with_columns(
            upcoming=pl.col("end_time") >= NOW,
            fetched=pl.col("registrant_count").is_not_null(),
        )
        left = sessions.filter(~pl.col("fetched"))
        done = sessions.filter("fetched")
        assert left.filter("upcoming").is_empty()  # every upcoming session came first
        assert done.filter(~pl.col("upcoming"))["end_time"].min() >= left["end_time"].max()
        rest = sync(client, store, depth="registrants", **RANGE)
    assert rest.registrants_fetched == short.left  # nothing fetched twice
    assert store.incomplete() == []
    assert store.synced_ranges()["registrants"]
    assert store.sessions()["registrant_count"].null_count() == 0


def test_budget_and_plan_arguments_are_checked(tmp_path: Path) -> None:
    with Client.simulator(simulator=make_sim(5), progress=False) as client:
        for bad in (0, -3, 2.5, True, "10"):
            with pytest.raises(ConfigurationError, match="budget must be a whole number"):
                sync(client, Store(tmp_path), budget=bad, **RANGE)  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError, match="depth must be one of"):
            plan(client, Store(tmp_path), depth="people", **RANGE)  # type: ignore[arg-type]
    assert not Store(tmp_path).exists


SLOW_SYNC = textwrap.dedent(
    """
    import importlib
    import sys
    from datetime import UTC, datetime
    from webinar_insights.client import Client
    from webinar_insights.simulator import Simulator, SimulatorConfig
    from webinar_insights.store import Store

    syncing = importlib.import_module("webinar_insights.syncing")
    syncing.CHECKPOINT_SECONDS = 0.3  # rewrite the tables often, for the reader
    config = SimulatorConfig(
        seed=11, scale=150, now=datetime(2026, 11, 1, 12, tzinfo=UTC), rate_limit_window=1.5
    )
    client = Client.simulator(simulator=Simulator(config), progress=False)
    syncing.sync(
        client, Store(sys.argv[1]), start="2025-11-01", end="2026-12-10", depth="registrants"
    )
    """
)


def test_a_report_during_a_running_sync_reads_what_is_complete(tmp_path: Path) -> None:
    store_path = tmp_path / "store"
    writer = subprocess.Popen([sys.executable, "-c", SLOW_SYNC, str(store_path)])
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if Store(store_path).incomplete() and (store_path / "tables").is_dir():
                break
            time.sleep(0.2)
        reader = subprocess.run(
            [
                sys.executable,
                "-m",
                "webinar_insights.cli",
                "report",
                "--store",
                str(store_path),
                "-o",
                str(tmp_path / "report.html"),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert writer.poll() is None, "the sync ended before the report ran; slow it down"
    finally:
        writer.kill()
        writer.wait()
    assert reader.returncode == 0, reader.stderr
    assert "a sync is running: registrants of" in reader.stdout
    html = (tmp_path / "report.html").read_text()
    assert "a sync is running: registrants of" in html


def test_an_interrupted_sync_is_said_to_have_stopped_not_to_be_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    syncing = importlib.import_module("webinar_insights.syncing")
    real_fetch = syncing._Run.fetch
    calls = iter(range(1_000))

    def fetch_then_ctrl_c(run: Any, session: Any, kind: str) -> bool:
        if next(calls) == 5:
            raise KeyboardInterrupt
        return real_fetch(run, session, kind)

    monkeypatch.setattr(syncing._Run, "fetch", fetch_then_ctrl_c)
    store = Store(tmp_path)
    with (
        Client.simulator(simulator=make_sim(), progress=False) as client,
        pytest.raises(SyncInterrupted),
    ):
        sync(client, store, depth="registrants", **RANGE)
    # The sync never recorded its end, but it holds no lock: it stopped, it is not running.
    [line] = store.incomplete()
    assert line.startswith("the last sync stopped early: registrants of ")
