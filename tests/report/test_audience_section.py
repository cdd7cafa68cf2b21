"""The report's Audience section: its charts come from the audience metrics of the same
sessions, the backtest table prints their figures, and what the synced depth cannot give is
left out with a note."""

from __future__ import annotations

import re

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.support.report_sessions import NOW
from webinar_insights import Client, Store, charts, metrics, sync
from webinar_insights.report import build_report, report_from_store
from webinar_insights.report._escape import text
from webinar_insights.simulator import Simulator, SimulatorConfig

START, END = "2026-05-01", "2026-11-30"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = tmp_path_factory.mktemp("audience") / "store"
    sim = Simulator(
        SimulatorConfig(
            seed=3, scale=80, now=NOW, rate_limit_window=0.02, max_sessions_per_webinar=4
        )
    )
    target = Store(path)
    with Client.simulator(simulator=sim, progress=False) as client:
        sync(client, target, start="2025-10-01", end="2026-12-10", depth="participants")
    return target


def test_every_audience_chart_and_the_backtest_table(store: Store) -> None:
    report = report_from_store(store, start=START, end=END, now=NOW)
    assert [c.key for c in report.audience] == [
        key.replace("_", "-") for key in charts.AUDIENCE_CHARTS
    ]
    assert [c.title for c in report.audience] == [e.title for e in charts.AUDIENCE_CHARTS.values()]
    sessions, registrants = store.sessions(), store.registrants()
    expected = metrics.backtest_summary(metrics.forecast_backtest(sessions, registrants))
    assert_frame_equal(report.frames["backtest"], expected)
    html = report.to_html()
    table = html[html.index('id="backtest-table"') :]
    table = table[: table.index("</table>")]
    cells = re.findall(r'<td class="num">([^<]*)</td>', table)
    assert len(cells) == 8 * expected.height
    first = expected.row(0, named=True)
    assert cells[:3] == [
        str(first["horizon_days"]),
        f"{first['predictions']:,}",
        f"{first['registrants_mae']:,.1f}",
    ]
    assert text(metrics.FORECAST_METHOD) in html
    for chart in report.audience:
        assert f'id="spec-{chart.key}"' in html and f'id="chart-{chart.key}"' in html


def test_forecast_is_for_upcoming_sessions_of_the_range_only(store: Store) -> None:
    report = report_from_store(store, start=START, end=END, now=NOW)
    forecast = report.frames["attendance_forecast"]
    assert forecast.height > 0
    in_range = report.frames["sessions"].filter(pl.col("status") == "Scheduled")
    assert set(forecast["session_id"]) <= set(in_range["session_id"])
    assert (forecast["scheduled_start"] > NOW).all()


def test_channels_add_up_to_the_funnel(store: Store) -> None:
    report = report_from_store(store, start=START, end=END, now=NOW)
    channels, funnel = report.frames["channel_summary"], report.frames["funnel"]
    assert channels["registered"].sum() == funnel["count"][0]
    assert channels["joined"].sum() == funnel["count"][1]


def test_without_people_the_section_says_what_is_missing(store: Store) -> None:
    sessions = store.sessions()
    only_sessions = build_report(sessions, start=START, end=END, now=NOW)
    assert only_sessions.audience == ()
    assert any("no channels, on-demand sign-ups or forecast" in n for n in only_sessions.notes)
    assert 'id="audience"' not in only_sessions.to_html()
    no_participants = build_report(
        sessions, registrants=store.registrants(), start=START, end=END, now=NOW
    )
    assert [c.key for c in no_participants.audience] == [
        "channels",
        "on-demand",
        "registration-curve",
        "forecast",
    ]
