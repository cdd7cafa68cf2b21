"""Figures a reader can check (issue 17): one value per label across the report, the dashboard
and ``metrics.kpis``; every rate reproduced by the two counts shown beside it."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

import webinar_insights as wi
from webinar_insights import metrics
from webinar_insights.report import Report, report_from_store
from webinar_insights.report._figures import figure_rows as report_figures
from webinar_insights.simulator import Simulator, SimulatorConfig
from webinar_insights.widgets import Dashboard

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
START, END = "2026-01-01", "2026-03-31"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> wi.Store:
    """A simulated program synced with participants over both the range and the period
    before it, so that every figure and every comparison can be shown."""
    sim = Simulator(SimulatorConfig(seed=5, scale=40, now=NOW, rate_limit_window=0.01))
    synced = wi.Store(Path(tmp_path_factory.mktemp("figures")))
    with wi.Client.simulator(simulator=sim, progress=False) as client:
        wi.sync(
            client,
            synced,
            start=datetime(2025, 9, 1, tzinfo=UTC),
            end=NOW - timedelta(days=30),
            depth="participants",
        )
    return synced


@pytest.fixture(scope="module")
def built(store: wi.Store) -> Report:
    return report_from_store(store, start=START, end=END, now=NOW)


def cards(document: str) -> dict[str, tuple[str, str]]:
    """kpi key -> (label, value) as the page shows them."""
    found = re.findall(
        r'<li class="kpi" id="kpi-([a-z0-9-]+)"[^>]*><div class="kpi-label">([^<]*)</div>'
        r'<div class="kpi-value">([^<]*)</div>',
        document,
    )
    return {k.replace("-", "_"): (html.unescape(n), html.unescape(v)) for k, n, v in found}


def test_every_figure_is_reachable_from_python_as_the_page_shows_it(built: Report) -> None:
    figures = built.figures()
    assert figures.get_column("key").to_list() == list(metrics.KPIS)
    assert figures.get_column("label").to_list() == [k.label for k in metrics.KPIS.values()]
    shown = cards(built.to_html())
    for row in figures.iter_rows(named=True):
        assert shown[row["key"]] == (row["label"], row["text"])
        assert row["definition"] == metrics.KPIS[row["key"]].definition
    assert figures.filter(pl.col("value").is_null()).is_empty()  # every figure known here
    assert "no comparison" not in " ".join(figures.get_column("change").to_list())


def test_every_rate_is_its_numerator_over_its_denominator(built: Report) -> None:
    shares = built.figures().filter(pl.col("basis") != "")
    assert set(shares.get_column("key")) == {
        "attendance_rate",
        "no_show_rate",
        "repeat_attendee_share",
        "late_start_share",
        "overrun_share",
    }
    for row in shares.iter_rows(named=True):
        assert row["value"] == pytest.approx(row["numerator"] / row["denominator"])
        assert f"{row['numerator']:,}" in row["basis"] and f"{row['denominator']:,}" in row["basis"]
        assert metrics.KPIS[row["key"]].format(row["numerator"] / row["denominator"]) == row["text"]


def test_the_attended_figures_agree_with_each_other(built: Report, store: wi.Store) -> None:
    by_key = {row["key"]: row for row in built.figures().iter_rows(named=True)}
    attended, registered = (
        by_key["attendance_rate"]["numerator"],
        by_key["attendance_rate"]["denominator"],
    )
    no_shows, listed = by_key["no_show_rate"]["numerator"], by_key["no_show_rate"]["denominator"]
    # Both rates rest on the registrants of the Finished sessions, which the funnel starts from.
    funnel = dict(built.frames["funnel"].iter_rows())
    assert registered == listed == funnel["Registered"]
    assert funnel["Joined"] == listed - no_shows
    # People reached: distinct user hashes of the attendees of the range's sessions.
    sessions = built.frames["sessions"].get_column("session_id")
    people = store.participants(sessions).filter(role="Attendee")
    assert by_key["people_reached"]["value"] == people.get_column("unique_user_hash").n_unique()
    assert by_key["people_reached"]["value"] < by_key["unique_attendees"]["value"]
    assert by_key["repeat_attendee_share"]["value"] > 0
    # Attendees: the sessions' own counts, summed; the rate's numerator is those of the
    # Finished sessions with registrants.
    frame = built.frames["sessions"]
    assert by_key["unique_attendees"]["value"] == frame["unique_attendee_count"].sum()
    rated = frame.filter(pl.col("attendance_rate").is_not_null())
    assert attended == rated["unique_attendee_count"].sum()
    # The page says why the two rates need not add up to 100%, in these same numbers.
    note = re.search(r'<p class="subtle" id="rates-note">([^<]*)</p>', built.to_html())
    assert note is not None
    text = html.unescape(note.group(1))
    assert f"Of {listed:,} registrants" in text and f"{no_shows:,} did not" in text
    assert f"{funnel['Joined']:,} joined" in text
    # And where the Attendees figure counts more than the rate's numerator, it says where.
    outside = frame.filter(pl.col("attendance_rate").is_null())["unique_attendee_count"].sum()
    assert by_key["unique_attendees"]["value"] == attended + outside
    if outside:
        assert f"The Attendees figure ({int(by_key['unique_attendees']['value']):,})" in text


def test_the_dashboard_shows_the_report_s_figures_for_the_same_data(
    built: Report, store: wi.Store
) -> None:
    board = Dashboard(
        store,
        start=datetime(2026, 1, 1).date(),
        end=datetime(2026, 3, 31).date(),
        now=NOW,
        debounce=0,
    )
    try:
        shown = board.kpis()
        strip = board._kpi_strip.value
        strip_figures = board.key_figures()
        board.set_filters(start=None, end=None)
        open_range = board.key_figures()
    finally:
        board.close()
    # The strip's figures are the report's cards: value, basis and change (or why withheld).
    columns = ("key", "label", "text", "basis", "change", "mood")
    assert [{c: f[c] for c in columns} for f in strip_figures] == [
        {c: row[c] for c in columns} for row in report_figures(built)
    ]
    assert any(f["mood"] in ("better", "worse") for f in strip_figures)
    assert {f["change"] for f in open_range} == {
        "no comparison: pick a start and an end day to compare"
    }
    for row in built.figures().iter_rows(named=True):
        assert shown[row["key"]] == pytest.approx(row["value"]), row["key"]
        kpi = metrics.KPIS[row["key"]]
        assert f"{html.escape(kpi.label)}</div>" in strip
        assert f">{html.escape(row['text'])}</div>" in strip
    # And metrics.kpis of the same sessions and participants gives them too.
    sessions = built.frames["sessions"]
    direct = metrics.kpis(
        sessions, participants=store.participants(sessions.get_column("session_id"))
    )
    for row in built.figures().iter_rows(named=True):
        assert direct[row["key"]] == pytest.approx(row["value"]), row["key"]


def test_the_plain_summary_says_the_cards_figures(built: Report) -> None:
    found = re.search(r'<p class="lede" id="summary">([^<]*)</p>', built.to_html())
    assert found is not None
    summary = html.unescape(found.group(1))
    by_key = {row["key"]: row for row in built.figures().iter_rows(named=True)}
    for key in ("sessions", "registrants", "unique_attendees", "people_reached", "attendance_rate"):
        assert by_key[key]["text"] in summary, key
    assert "than in the previous period" in summary  # every comparison is covered here
    assert f"{built.frames['anomalies'].height:,} anomalies flagged" in summary
