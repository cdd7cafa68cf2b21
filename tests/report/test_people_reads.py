"""The report reads only the people it needs (lazy scans, the session filter and the columns
pushed down), and reading less, or in batches of sessions, changes nothing it shows."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.support.report_sessions import NOW
from webinar_insights import Client, Store, metrics, sync
from webinar_insights.errors import ConfigurationError
from webinar_insights.metrics import _people
from webinar_insights.report import build_report, report_from_store
from webinar_insights.report._tables import PARTICIPANT_COLUMNS, REGISTRANT_COLUMNS
from webinar_insights.simulator import Simulator, SimulatorConfig

START, END = "2026-05-01", "2026-10-31"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = tmp_path_factory.mktemp("people-reads") / "store"
    sim = Simulator(
        SimulatorConfig(
            seed=11, scale=60, now=NOW, rate_limit_window=0.02, max_sessions_per_webinar=3
        )
    )
    target = Store(path)
    with Client.simulator(simulator=sim, progress=False) as client:
        sync(client, target, start="2025-10-01", end="2026-12-10", depth="participants")
    return target


@pytest.mark.parametrize(
    ("kind", "columns"),
    [("participants", PARTICIPANT_COLUMNS), ("registrants", REGISTRANT_COLUMNS)],
)
def test_people_readers_read_only_the_sessions_and_columns_asked(
    store: Store, kind: str, columns: tuple[str, ...]
) -> None:
    read = getattr(store, kind)
    whole = read()
    ids = whole.get_column("session_id").unique().sort().head(5).to_list()
    assert len(ids) == 5
    expected = whole.filter(pl.col("session_id").is_in(ids))
    assert_frame_equal(read(ids), expected)
    assert_frame_equal(read(tuple(ids), columns=columns), expected.select(columns))
    assert_frame_equal(read(columns=["session_id"]), whole.select("session_id"))
    assert read([]).height == 0
    assert read([]).schema == whole.schema


def test_people_readers_reject_unknown_columns_and_one_string(store: Store) -> None:
    with pytest.raises(ConfigurationError, match=r"has no column.*'nickname'"):
        store.participants(columns=["session_id", "nickname"])
    with pytest.raises(ConfigurationError, match="list of column names"):
        store.registrants(columns="email")
    with pytest.raises(ConfigurationError, match="list of session ids"):
        store.participants("s1")


def test_report_from_store_equals_the_report_of_the_whole_tables(store: Store) -> None:
    ours = report_from_store(store, start=START, end=END, now=NOW)
    whole = build_report(
        store.sessions(),
        participants=store.participants(),
        registrants=store.registrants(),
        provenance=store.provenance(),
        start=START,
        end=END,
        now=NOW,
    )
    assert ours.frames.keys() == whole.frames.keys()
    assert {"retention", "funnel", "lead_time"} <= set(ours.frames)
    for name, frame in whole.frames.items():
        assert_frame_equal(ours.frames[name], frame)
    assert dict(ours.kpis) == dict(whole.kpis)
    assert dict(ours.previous_kpis) == dict(whole.previous_kpis)
    assert ours.notes == whole.notes


def test_people_metrics_in_batches_of_sessions_equal_one_pass(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = metrics.session_metrics(store.sessions())
    participants, registrants = store.participants(), store.registrants()
    curve = metrics.retention_curve(participants, sessions)
    funnel = metrics.registration_funnel(sessions, registrants, participants)
    assert curve.height > 0
    assert funnel.get_column("count").to_list()[0] > 0
    assert participants.height > 50  # several batches below
    monkeypatch.setattr(_people, "_BATCH_ROWS", 50)
    assert len(_people._session_batches(participants.height)) > 1
    assert_frame_equal(metrics.retention_curve(participants, sessions), curve)
    assert_frame_equal(metrics.registration_funnel(sessions, registrants, participants), funnel)
