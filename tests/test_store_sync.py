"""Store and sync against the simulator: incremental, resumable, recoverable."""

from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from webinar_insights import ConfigurationError, DataWarning, StoreError
from webinar_insights.client import Client, RetryPolicy
from webinar_insights.simulator import Simulator, SimulatorConfig
from webinar_insights.simulator import _render as render
from webinar_insights.store import Coverage, Store, Stretch
from webinar_insights.syncing import sync

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
WHOLE = {"start": "2025-09-01", "end": "2026-12-31"}
PAST = {"start": "2026-01-01", "end": "2026-08-31"}


def make_client(scale: int = 50, window: float = 0.02, **options: object) -> Client:
    sim = Simulator(
        SimulatorConfig(seed=3, scale=scale, now=NOW, rate_limit_window=window, **options)
    )  # type: ignore[arg-type]
    return Client.simulator(
        simulator=sim, progress=False, retry=RetryPolicy(base_delay=0.01, max_delay=0.05)
    )


def requests_by_operation(client: Client) -> dict[str, int]:
    assert client.simulator_instance is not None
    return dict(client.simulator_instance.stats()["requests"])


def expected_people(sim: Simulator) -> tuple[dict[str, int], dict[str, int]]:
    now = sim.now()
    # Participants are fetched once a session is Finished (an Active one's list still grows).
    participants = {
        s.session_id: len(render.visible_participants(sim.program, s, now))
        for s in sim.program.sessions
        if s.status(now) == "Finished"
    }
    registrants = {
        s.session_id: len(render.visible_registrants(sim.program, s, now))
        for s in sim.program.sessions
    }
    return participants, registrants


def assert_store_matches(store: Store, sim: Simulator) -> None:
    sessions = store.sessions()
    assert sessions["session_id"].n_unique() == sessions.height
    assert set(sessions["session_id"]) == {s.session_id for s in sim.program.sessions}
    participants, registrants = expected_people(sim)
    got_p = dict(store.participants().group_by("session_id").len().iter_rows())
    got_r = dict(store.registrants().group_by("session_id").len().iter_rows())
    assert got_p == {k: v for k, v in participants.items() if v}
    assert got_r == {k: v for k, v in registrants.items() if v}
    assert store.participants().select("session_id", "participant_id").is_duplicated().sum() == 0


def test_coverage_lists_only_what_is_not_settled() -> None:
    def day(n: int) -> datetime:
        return datetime(2026, 1, n, tzinfo=UTC)

    empty = Coverage()
    assert empty.unsettled(day(1), day(31)) == [(day(1), day(31))]
    one = empty.settle(Stretch(day(5), day(10)))
    assert one.unsettled(day(1), day(31)) == [(day(1), day(5)), (day(10), day(31))]
    assert one.unsettled(day(6), day(9)) == []
    # Touching or overlapping stretches merge into one.
    two = one.settle(Stretch(day(10), day(20))).settle(Stretch(day(2), day(6)))
    assert [(s.start, s.end) for s in two.settled] == [(day(2), day(20))]
    assert two.unsettled(day(1), day(31)) == [(day(1), day(2)), (day(20), day(31))]


def test_full_sync_matches_the_simulated_program(tmp_path: Path) -> None:
    client = make_client()
    store = Store(tmp_path / "store")
    summary = sync(client, store, depth="participants", **WHOLE)
    assert summary.sessions_new == 50
    assert summary.rate_limited == 0
    assert_store_matches(store, client.simulator_instance)  # type: ignore[arg-type]
    sessions = store.sessions()
    fetched = sessions.filter(pl.col("registrant_count").is_not_null())
    assert fetched.height == 50  # every session's registrants were fetched (0 when none)
    assert (sessions["registrant_count"] == 0).any()
    assert "sessions" in str(summary)


def test_registrant_counts_stay_null_when_not_fetched(tmp_path: Path) -> None:
    store = Store(tmp_path)
    sync(make_client(), store, depth="sessions", **WHOLE)
    assert store.sessions()["registrant_count"].null_count() == 50


def test_second_sync_makes_only_listing_requests(tmp_path: Path) -> None:
    client = make_client()
    store = Store(tmp_path)
    first = sync(client, store, depth="participants", **PAST)
    assert first.participants_fetched > 0
    before = requests_by_operation(client)
    again = sync(client, store, depth="participants", full_refresh=True, **PAST)
    after = requests_by_operation(client)
    delta = {op: after[op] - before.get(op, 0) for op in after if after[op] != before.get(op, 0)}
    assert delta == {"rcwHistoryListAllCompanySessions": 1}  # one listing for the range
    assert again.sessions_new == 0
    assert again.sessions_updated == 0
    assert again.registrants_fetched == again.participants_fetched == 0
    # Two listings agreed on a range of Finished sessions: it is settled, and not listed again.
    settled = sync(client, store, depth="participants", **PAST)
    assert settled.requests == 0
    assert settled.listings == 0
    assert settled.settled == ("2026-01-01..2026-08-31",)


def test_changes_are_picked_up_when_the_clock_moves(tmp_path: Path) -> None:
    client = make_client()
    sim = client.simulator_instance
    assert sim is not None
    store = Store(tmp_path)
    sync(client, store, depth="participants", **WHOLE)
    active = store.sessions().filter(status="Active")["session_id"].to_list()
    assert active
    sim.advance(timedelta(days=2))
    summary = sync(client, store, depth="participants", **WHOLE)
    assert summary.sessions_updated >= len(active)
    now_status = dict(store.sessions().select("session_id", "status").iter_rows())
    assert all(now_status[sid] == "Finished" for sid in active)
    assert_store_matches(store, sim)
    before = requests_by_operation(client)
    sync(client, store, depth="participants", **WHOLE)
    after = requests_by_operation(client)
    assert after.get("rcwHistoryListParticipants") == before.get("rcwHistoryListParticipants")


def test_rebuild_needs_no_network_and_reproduces_the_tables(tmp_path: Path) -> None:
    client = make_client()
    store = Store(tmp_path)
    sync(client, store, depth="participants", **WHOLE)
    tables = {name: getattr(store, name)() for name in ("sessions", "registrants", "participants")}
    client.close()
    for file in (tmp_path / "tables").iterdir():
        file.unlink()
    counts = Store(tmp_path).rebuild()
    assert counts["sessions"] == 50
    for name, table in tables.items():
        assert_frame_equal(getattr(Store(tmp_path), name)(), table)


def test_a_corrupt_raw_file_is_set_aside_and_a_resync_recovers(tmp_path: Path) -> None:
    client = make_client()
    store = Store(tmp_path)
    sync(client, store, depth="participants", **WHOLE)
    victim = next((tmp_path / "raw" / "participants").rglob("*.json.gz"))
    victim.write_bytes(victim.read_bytes()[:20])
    with pytest.warns(DataWarning, match="quarantined"):
        store.rebuild()  # the rest derives; the unreadable page is set aside, not fatal
    assert [q.raw_file for q in store.quarantine()] == [victim.relative_to(tmp_path).as_posix()]
    summary = sync(client, store, depth="participants", **WHOLE)  # its unit is fetched again
    assert summary.participants_fetched >= 1
    assert store.quarantine() == []
    assert_store_matches(store, client.simulator_instance)  # type: ignore[arg-type]


def test_corrupt_table_gives_a_clear_error_and_rebuild_recovers(tmp_path: Path) -> None:
    store = Store(tmp_path)
    sync(make_client(), store, depth="registrants", **WHOLE)
    (tmp_path / "tables" / "sessions.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(StoreError, match="rebuild"):
        Store(tmp_path).sessions()
    Store(tmp_path).rebuild()
    assert Store(tmp_path).sessions().height == 50


def test_a_second_writer_is_refused(tmp_path: Path) -> None:
    store = Store(tmp_path)
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with Store(tmp_path).writing():
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait(10)
    try:
        with pytest.raises(StoreError, match="another sync"):
            sync(make_client(), store, **WHOLE)
    finally:
        release.set()
        thread.join()
    assert not (tmp_path / "tables").exists()  # the refused sync wrote nothing


def test_records_repeated_across_pages_are_stored_once(tmp_path: Path) -> None:
    store = Store(tmp_path)
    sync(make_client(), store, depth="sessions", **WHOLE)
    session_id = store.sessions()["session_id"][0]
    page = {
        "records": [{"id": "r1", "firstName": "A", "lastName": "B", "email": "a@example.org"}],
        "paging": {"perPage": 1, "pageToken": "x"},
    }
    with store.writing():
        store.record_fetch(
            session_id,
            "registrants",
            status="Finished",
            modified=None,
            pages=[json.dumps(page).encode()] * 2,
        )
    store.rebuild()
    assert store.registrants([session_id]).height == 1


def test_store_files_hold_no_secrets(tmp_path: Path) -> None:
    client = make_client(client_secret="S3CRET-value", jwt="JWT-value-123")
    store = Store(tmp_path)
    sync(client, store, depth="registrants", **WHOLE)
    tokens = [s.access_token for s in client.simulator_instance._oauth]  # type: ignore[union-attr]
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            for secret in ("S3CRET-value", "JWT-value-123", *tokens):
                assert secret.encode() not in data, path


SYNC_SCRIPT = textwrap.dedent(
    """
    import sys
    from datetime import datetime, UTC
    from webinar_insights.client import Client
    from webinar_insights.simulator import Simulator, SimulatorConfig
    from webinar_insights.store import Store
    from webinar_insights.syncing import sync
    sim = Simulator(SimulatorConfig(seed=3, scale=60, now=datetime(2026, 11, 1, 12, tzinfo=UTC), rate_limit_window=0.1))
    client = Client.simulator(simulator=sim, progress=False)
    print("started", flush=True)
    sync(client, Store(sys.argv[1]), start="2025-09-01", end="2026-12-31", depth="participants")
    print("done", flush=True)
    """
)


@pytest.mark.parametrize("kill_after", [0.05, 0.3, 0.9, 1.5])
def test_resume_after_sigkill(tmp_path: Path, kill_after: float) -> None:
    store_path = tmp_path / "store"
    with subprocess.Popen(
        [sys.executable, "-c", SYNC_SCRIPT, str(store_path)], stdout=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "started"
        time.sleep(kill_after)
        killed_mid_sync = process.poll() is None
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert killed_mid_sync, "the sync finished before it could be killed; kill earlier"
    done_before = 0
    if (store_path / "manifest.sqlite").exists():
        with sqlite3.connect(store_path / "manifest.sqlite") as db:
            done_before = db.execute("SELECT count(*) FROM fetches").fetchone()[0]
    sim = Simulator(SimulatorConfig(seed=3, scale=60, now=NOW, rate_limit_window=0.02))
    client = Client.simulator(simulator=sim, progress=False)
    store = Store(store_path)
    summary = sync(client, store, depth="participants", **WHOLE)
    assert_store_matches(store, sim)
    # What was stored before the kill is not fetched again (the clock has not moved, so a
    # Scheduled session's registrants are not due again either).
    units = 60 + sum(1 for s in sim.program.sessions if s.status(NOW) == "Finished")
    assert summary.registrants_fetched + summary.participants_fetched == units - done_before


def test_a_missing_store_is_a_clear_error_and_is_not_created(tmp_path: Path) -> None:
    store = Store(tmp_path / "nowhere")
    with pytest.raises(StoreError, match="run `webinar-insights sync`"):
        store.sessions()
    assert not (tmp_path / "nowhere").exists()


def test_an_unreadable_manifest_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "manifest.sqlite").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a readable manifest"):
        Store(tmp_path).rebuild()


def test_bad_ranges_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="reversed"):
        sync(make_client(), Store(tmp_path / "s"), start="2026-05-01", end="2026-01-01")
    with pytest.raises(ConfigurationError, match="depth"):
        sync(
            make_client(), Store(tmp_path / "s"), start="2026-01-01", end="2026-02-01", depth="all"
        )  # type: ignore[arg-type]
    assert not (tmp_path / "s").exists()


def test_a_reader_does_not_queue_behind_a_first_sync(tmp_path: Path) -> None:
    """Before a first sync has written its tables, a reader says so at once instead of waiting
    for the writer's lock (it used to wait 60 s and then fail)."""
    store = Store(tmp_path)
    with store.writing():
        store.begin_sync(
            start=datetime(2026, 1, 1, tzinfo=UTC),
            end=datetime(2026, 2, 1, tzinfo=UTC),
            depth="sessions",
        )
        started = time.monotonic()
        with pytest.raises(StoreError, match="being synced for the first time"):
            Store(tmp_path).sessions()
        assert time.monotonic() - started < 5
