"""Tests for webinar_insights.widgets: the dashboard, headless (no browser, no kernel).

Each control is moved as a user would move it (its ``value``); the tests then read the state
back through ``Dashboard.filtered()`` and the chart specs (``to_dict()``).
"""

from __future__ import annotations

import asyncio
import base64
import html
import io
import json
import re
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import webinar_insights as wi
from tests.support.chart_specs import walk
from tests.support.dashboard_sessions import (
    NOW,
    ids,
    sessions_frame,
    utc,
)
from webinar_insights import charts, metrics
from webinar_insights.errors import ConfigurationError
from webinar_insights.widgets import CHART_NAMES, STATUSES, Dashboard, Filters, _dashboard
from webinar_insights.widgets._filters import NO_HOST

Spec = dict[str, Any]


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[Dashboard]:
    board = Dashboard(sessions_frame(), now=NOW, debounce=0, export_dir=tmp_path / "out")
    yield board
    board.close()


def spec(board: Dashboard, name: str) -> Spec:
    return board.charts()[name].to_dict()  # type: ignore[index]


def rows(chart_spec: Spec) -> list[dict[str, Any]]:
    """Every data row a spec embeds (Altair moves inline data to ``datasets``)."""
    return [row for values in chart_spec.get("datasets", {}).values() for row in values]


def strings(chart_spec: Spec) -> set[str]:
    return {
        value for node in walk(chart_spec) for value in node.values() if isinstance(value, str)
    } | {
        value
        for node in walk(chart_spec)
        for key, value in node.items()
        if key == "text" and isinstance(value, str)
    }


def titles_in(chart_spec: Spec) -> set[str]:
    """Session titles a chart embeds (timeline rows carry them in ``label`` / ``session``)."""
    found = set()
    for row in rows(chart_spec):
        for key in ("label", "session", "session_title"):
            value = row.get(key)
            if isinstance(value, str):
                found |= set(re.findall(r"Session s\d", value))
    return found


def label_of(choices: Mapping[str, str], key: str) -> str:
    return next(label for label, value in choices.items() if value == key)


def test_initial_state_shows_every_session_after_session_metrics(dashboard: Dashboard) -> None:
    expected = metrics.session_metrics(sessions_frame())
    assert_frame_equal(dashboard.filtered(), expected)
    assert dashboard.filters == Filters()
    assert set(dashboard.charts()) == set(CHART_NAMES)
    assert repr(dashboard) == ("Dashboard(6 of 6 sessions; first to last (UTC); late after 5 min)")


def test_kpi_strip_shows_the_kpis_of_the_filtered_sessions(dashboard: Dashboard) -> None:
    kpis = dashboard.kpis()
    assert kpis == metrics.kpis(dashboard.filtered())
    assert kpis["sessions"] == 6
    strip = dashboard._kpi_strip.value
    assert ">6</div>" in strip  # sessions
    assert f">{kpis['attendance_rate']:.1%}</div>" in strip
    assert '<div class="kpi-label" style="font-size:11px;color:#555555">Late starts</div>' in strip
    assert "more than 5 min late" in strip


def test_display_bundle_is_the_widget_with_a_plain_text_summary(dashboard: Dashboard) -> None:
    bundle = dashboard._repr_mimebundle_()
    assert bundle is not None
    assert bundle["text/plain"] == repr(dashboard)
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == (
        dashboard.widget.model_id
    )


def test_pickers_offer_every_webinar_and_host(dashboard: Dashboard) -> None:
    assert dashboard.webinar_choices == {"Webinar w1": "w1", "Webinar w2": "w2", "Webinar w3": "w3"}
    assert dashboard.host_choices == {
        "Ann Lee": "u1",
        "Bo Chen": "u2",
        "Cy Dee": "name:Cy Dee",
        "(no host)": "",
    }
    assert dashboard.controls.webinars.allowed_tags == list(dashboard.webinar_choices)
    assert dashboard.controls.hosts.allowed_tags == list(dashboard.host_choices)


def test_date_range_cuts_days_in_the_time_zone(dashboard: Dashboard) -> None:
    c = dashboard.controls
    c.start.value = date(2026, 3, 9)
    assert ids(dashboard.filtered()) == ["s3", "s4", "s5", "s6"]  # s2 is on March 8 in UTC
    c.end.value = date(2026, 3, 31)
    assert ids(dashboard.filtered()) == ["s3"]
    c.time_zone.value = "Europe/Berlin"  # s2 now starts at 00:30 on March 9
    assert ids(dashboard.filtered()) == ["s2", "s3"]
    assert dashboard.filters.bounds() == (utc(2026, 3, 8, 23), utc(2026, 3, 31, 22))
    timeline = spec(dashboard, "status_timeline")
    assert titles_in(timeline) == {"Session s2", "Session s3"}
    assert titles_in(spec(dashboard, "attendance_rate")) == {"Session s2", "Session s3"}


def test_webinar_picker_filters_by_webinar_id(dashboard: Dashboard) -> None:
    dashboard.controls.webinars.value = ["Webinar w2"]
    assert dashboard.filters.webinars == ("w2",)
    assert ids(dashboard.filtered()) == ["s3", "s4"]
    assert titles_in(spec(dashboard, "status_timeline")) == {"Session s3", "Session s4"}
    dashboard.controls.webinars.value = ["Webinar w2", "Webinar w1"]
    assert ids(dashboard.filtered()) == ["s1", "s2", "s3", "s4"]
    dashboard.controls.webinars.value = []  # empty: every webinar
    assert len(dashboard.filtered()) == 6


def test_host_picker_matches_user_ids_names_and_no_host(dashboard: Dashboard) -> None:
    c = dashboard.controls
    c.hosts.value = ["Ann Lee"]
    assert ids(dashboard.filtered()) == ["s1", "s2"]
    ranking = spec(dashboard, "start_delay")
    assert {row.get("host") for row in rows(ranking) if "host" in row} <= {"Ann Lee"}
    c.hosts.value = ["Cy Dee", "(no host)"]
    assert dashboard.filters.hosts == ("name:Cy Dee", "")
    assert ids(dashboard.filtered()) == ["s5", "s6"]
    assert titles_in(spec(dashboard, "status_timeline")) == {"Session s5", "Session s6"}


def test_a_host_pick_is_the_key_the_report_groups_hosts_by(dashboard: Dashboard) -> None:
    """One host rule: the picker's values are ``metrics.host_key`` of the sessions shown."""
    keys = set(dashboard._data.base.select(metrics.host_key()).to_series().to_list())
    assert set(dashboard.host_choices.values()) == {NO_HOST if k is None else k for k in keys}


def test_status_picker_filters_statuses(dashboard: Dashboard) -> None:
    c = dashboard.controls
    c.statuses.value = ("Finished",)
    assert ids(dashboard.filtered()) == ["s1", "s2", "s3", "s6"]
    timeline = spec(dashboard, "status_timeline")
    assert {row["status"] for row in rows(timeline) if "status" in row} == {"Finished"}
    c.statuses.value = ("Scheduled", "Active")
    assert ids(dashboard.filtered()) == ["s4", "s5"]
    assert [b.value for b in c.statuses._buttons.values()] == [True, True, False]
    assert "no Finished session" in json.dumps(spec(dashboard, "overrun"))


def test_status_toggles_switch_one_status_each_without_ctrl_click(dashboard: Dashboard) -> None:
    buttons = dashboard.controls.statuses._buttons
    assert [b.description for b in buttons.values()] == list(STATUSES)
    assert all(b.value for b in buttons.values())
    buttons["Finished"].value = False  # a click
    assert dashboard.filters.statuses == ("Scheduled", "Active")
    assert ids(dashboard.filtered()) == ["s4", "s5"]
    buttons["Finished"].value = True
    buttons["Scheduled"].value = False
    assert dashboard.filters.statuses == ("Active", "Finished")


def test_every_control_says_its_unit(dashboard: Dashboard) -> None:
    c = dashboard.controls
    assert c.late_after.description == "Late after (min)"
    assert c.time_zone.description == "Time zone (IANA)"
    assert "(day" in c.start.description and "included" in c.end.description
    c.statuses.value = ()
    assert dashboard.filtered().is_empty()
    assert dashboard.kpis()["sessions"] == 0


def test_time_zone_reaches_every_time_axis(dashboard: Dashboard) -> None:
    before = {name: spec(dashboard, name) for name in CHART_NAMES}
    dashboard.controls.time_zone.value = "Asia/Tokyo"
    assert dashboard.filters.time_zone == "Asia/Tokyo"
    assert len(dashboard.filtered()) == 6  # no day bound: the rows do not change
    after = {name: spec(dashboard, name) for name in CHART_NAMES}
    for name in ("attendance_rate", "status_timeline", "weekday_hour"):
        assert after[name] != before[name], name
        assert any("Asia/Tokyo" in text for text in strings(after[name])), name
    for name in ("start_delay", "overrun"):  # no time axis: the same chart, not rebuilt
        assert after[name] == before[name], name
        assert dashboard.charts()[name] is dashboard.charts()[name]


def test_late_start_threshold_recomputes_late_start(dashboard: Dashboard) -> None:
    late = dict(dashboard.filtered().select("session_id", "late_start").iter_rows())
    assert late["s2"] is True  # 8 min late, threshold 5
    dashboard.controls.late_after.value = 10.0
    assert dashboard.filters.late_after == timedelta(minutes=10)
    late = dict(dashboard.filtered().select("session_id", "late_start").iter_rows())
    assert late == {"s1": False, "s2": False, "s3": True, "s4": False, "s5": None, "s6": False}
    assert dashboard.kpis()["late_start_share"] == pytest.approx(1 / 5)
    assert "more than 10 min late" in dashboard._kpi_strip.value
    delay = spec(dashboard, "start_delay")
    assert "late after 10 min" in strings(delay)
    assert "late after 5 min" not in strings(delay)


def test_unknown_time_zone_keeps_the_last_good_one_and_says_so(dashboard: Dashboard) -> None:
    dashboard.controls.time_zone.value = "Europe/Berlin"
    dashboard.controls.time_zone.value = "Mars/Olympus_Mons"
    assert dashboard.filters.time_zone == "Europe/Berlin"
    assert "Mars/Olympus_Mons" in dashboard._message.value
    assert "still showing Europe/Berlin" in dashboard._message.value
    assert dashboard.controls.time_zone.value == "Europe/Berlin"  # the box shows what applies


def test_reversed_dates_keep_the_last_good_range(dashboard: Dashboard) -> None:
    dashboard.controls.start.value = date(2026, 3, 1)
    dashboard.controls.end.value = date(2026, 2, 1)
    assert (dashboard.filters.start, dashboard.filters.end) == (date(2026, 3, 1), None)
    assert "is after the end" in dashboard._message.value
    assert (dashboard.controls.start.value, dashboard.controls.end.value) == (
        date(2026, 3, 1),
        None,
    )


def test_set_filters_moves_the_controls_and_redraws_once(
    dashboard: Dashboard, monkeypatch: pytest.MonkeyPatch
) -> None:
    draws: list[str] = []
    real = _dashboard.display_data
    monkeypatch.setattr(
        _dashboard, "display_data", lambda chart, name: draws.append(name) or real(chart, name)
    )
    dashboard.set_filters(webinars=["w1"], hosts=["u1"], late_after=1, time_zone="Europe/Berlin")
    assert dashboard.filters == Filters(
        webinars=("w1",), hosts=("u1",), late_after=timedelta(minutes=1), time_zone="Europe/Berlin"
    )
    assert dashboard.controls.webinars.value == ["Webinar w1"]
    assert dashboard.controls.late_after.value == 1.0
    assert ids(dashboard.filtered()) == ["s1", "s2"]
    assert draws == ["attendance_rate"]
    with pytest.raises(ConfigurationError, match="unknown webinar id"):
        dashboard.set_filters(webinars=["nope"])
    with pytest.raises(ConfigurationError, match="unknown filter"):
        dashboard.set_filters(colour="red")
    assert dashboard.filters.webinars == ("w1",)


def test_initial_values_are_validated() -> None:
    with pytest.raises(ConfigurationError, match="reversed"):
        Dashboard(sessions_frame(), start=date(2026, 3, 2), end=date(2026, 3, 1), debounce=0)
    with pytest.raises(ConfigurationError, match="unknown time zone"):
        Dashboard(sessions_frame(), time_zone="Nowhere/Town", debounce=0)
    with pytest.raises(ConfigurationError, match="unknown host id"):
        Dashboard(sessions_frame(), hosts=["u9"], debounce=0)
    with pytest.raises(ConfigurationError, match="needs a Store"):
        Dashboard([1, 2, 3], debounce=0)  # type: ignore[arg-type]
    with (
        wi.Client.simulator(scale=1, progress=False) as client,
        pytest.raises(ConfigurationError, match="needs a store"),
    ):
        Dashboard(sessions_frame(), client=client)


def test_initial_values_apply(tmp_path: Path) -> None:
    board = Dashboard(
        sessions_frame(),
        webinars=["w1", "w2"],
        statuses=["Finished"],
        late_after=10,
        time_zone="Europe/Berlin",
        start=date(2026, 3, 9),
        debounce=0,
    )
    assert ids(board.filtered()) == ["s2", "s3"]
    assert board.controls.webinars.value == ["Webinar w1", "Webinar w2"]
    assert board.controls.statuses.value == ("Finished",)
    board.close()


def test_changes_within_the_debounce_coalesce_into_one_redraw() -> None:
    async def scenario() -> tuple[Filters, Filters, int]:
        board = Dashboard(sessions_frame(), debounce=0.05)
        applied: list[Filters] = []
        real = board.refresh_now

        def counting() -> None:
            real()
            applied.append(board.filters)

        board.refresh_now = counting  # type: ignore[method-assign]
        for minutes in (6.0, 7.0, 8.0, 9.0):
            board.controls.late_after.value = minutes
        pending = board.filters
        await asyncio.sleep(0.3)
        board.close()
        return pending, applied[-1], len(applied)

    pending, applied, redraws = asyncio.run(scenario())
    assert pending.late_after == timedelta(minutes=5)  # nothing applied during the debounce
    assert applied.late_after == timedelta(minutes=9)
    assert redraws == 1


def test_debounce_without_an_event_loop_uses_a_timer_and_refresh_now_flushes() -> None:
    board = Dashboard(sessions_frame(), debounce=30)
    board.controls.statuses.value = ("Active",)
    assert board.filters.statuses == STATUSES
    board.refresh_now()
    assert board.filters.statuses == ("Active",)
    assert board._pending is None  # the timer was cancelled
    board.close()


def test_only_the_open_tab_is_drawn_and_others_when_opened(dashboard: Dashboard) -> None:
    outputs = dashboard._outputs
    assert outputs["attendance_rate"].outputs
    assert all(not outputs[name].outputs for name in CHART_NAMES[1:])
    dashboard._tabs.selected_index = CHART_NAMES.index("overrun")
    assert outputs["overrun"].outputs
    assert not outputs["weekday_hour"].outputs
    html = outputs["overrun"].outputs[0]["data"]["text/html"]
    assert "Overrun" in html and "vega" in html


def test_a_redraw_replaces_the_chart_in_one_message(dashboard: Dashboard) -> None:
    seen: list[tuple[Any, ...]] = []
    output = dashboard._outputs["attendance_rate"]
    output.observe(lambda change: seen.append(change["new"]), names="outputs")
    first = output.outputs
    dashboard.controls.webinars.value = ["Webinar w1"]
    assert len(seen) == 1  # never cleared first: no blank frame in between
    assert len(seen[0]) == 1 and seen[0] != first
    dashboard.controls.webinars.value = ["Webinar w1"]  # no change: nothing sent
    dashboard.refresh_now()
    assert len(seen) == 1


def test_a_failing_redraw_is_shown_in_the_dashboard(
    dashboard: Dashboard, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> Any:
        raise ConfigurationError("the chart broke")

    monkeypatch.setattr(_dashboard, "build_chart", broken)
    dashboard._guarded(lambda: setattr(dashboard.controls.webinars, "value", ["Webinar w2"]))
    assert "ConfigurationError: the chart broke" in dashboard._message.value


def test_export_report_writes_one_self_contained_html_file_of_the_filters(
    dashboard: Dashboard, tmp_path: Path
) -> None:
    dashboard.set_filters(webinars=["w1", "w2"], start=date(2026, 3, 1), end=date(2026, 3, 31))
    report = dashboard.build_report()
    assert ids(report.frames["sessions"]) == ids(dashboard.filtered()) == ["s1", "s2", "s3"]
    assert report.time_zone == "UTC"
    dashboard.controls.export_report.click()
    assert not (tmp_path / "out").exists()  # a download: nothing lands on the server
    name, data = downloaded(dashboard)
    assert name == "webinar-report_2026-03-01_2026-03-31.html"
    text = data.decode("utf-8")
    path = dashboard.export_report()  # the Python call writes the same file
    assert path == tmp_path / "out" / name and path.read_text(encoding="utf-8") == text
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert text.lower().count("<!doctype html") == 1  # one document, no nested one
    assert text.rstrip().endswith("</html>")
    assert not re.search(r"<script[^>]+src\s*=\s*[\"']?https?:", text, re.IGNORECASE)
    assert not re.search(r"<link[^>]+href\s*=\s*[\"']?https?:", text, re.IGNORECASE)
    assert "handed to the browser" in dashboard._message.value


def test_export_report_follows_the_late_start_threshold(dashboard: Dashboard) -> None:
    dashboard.controls.late_after.value = 10.0
    report = dashboard.build_report()
    assert report.kpis["late_start_share"] == dashboard.kpis()["late_start_share"]
    assert report.kpis["late_start_share"] == pytest.approx(1 / 5)


def downloaded(board: Dashboard) -> tuple[str, bytes]:
    """The file the last button click handed to the browser: (name, content)."""
    (output,) = board._downloads.outputs
    found = re.search(
        r'<a download="([^"]+)" href="data:[a-z/]+;base64,([A-Za-z0-9+/=]+)"',
        output["data"]["text/html"],
    )
    assert found is not None
    return html.unescape(found.group(1)), base64.b64decode(found.group(2))


def test_download_csv_hands_the_selection_to_the_browser(
    dashboard: Dashboard, tmp_path: Path
) -> None:
    dashboard.controls.statuses.value = ("Finished",)
    dashboard.controls.download_csv.click()
    assert not (tmp_path / "out").exists()
    name, data = downloaded(dashboard)
    assert name == "sessions_first_last.csv"
    assert "link.click()" in dashboard._downloads.outputs[0]["data"]["text/html"]
    saved = pl.read_csv(io.BytesIO(data))
    assert data == dashboard.save_csv().read_bytes()  # the Python call writes the same file
    assert sorted(saved["session_id"].to_list()) == ids(dashboard.filtered())
    assert "scheduled_duration_min" in saved.columns and "overrun" not in saved.columns
    assert saved["overrun_min"].to_list() == dashboard.filtered()["overrun_min"].to_list()
    assert "sessions_first_last.csv" in dashboard._message.value


def test_a_download_too_large_for_the_browser_is_written_instead(
    dashboard: Dashboard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_dashboard, "MAX_DOWNLOAD", 100)
    dashboard.controls.download_csv.click()
    assert (tmp_path / "out" / "sessions_first_last.csv").is_file()
    assert "Too large to hand to the browser" in dashboard._message.value
    assert dashboard._downloads.outputs == ()


def test_download_csv_keeps_spreadsheet_formulas_inert(tmp_path: Path) -> None:
    frame = sessions_frame().with_columns(
        session_title=pl.when(pl.col("session_id") == "s1")
        .then(pl.lit("=HYPERLINK(1)"))
        .when(pl.col("session_id") == "s2")
        .then(pl.lit("Q&A;=1+1 \x00"))
        .otherwise(pl.col("session_title"))
    )
    board = Dashboard(frame, debounce=0)
    text = board.save_csv(tmp_path / "x.csv").read_text()
    assert "'=HYPERLINK(1)" in text
    # Quoted, so a spreadsheet splitting on ';' keeps the cell whole; NUL shown as U+FFFD.
    assert '"\'Q&A;=1+1 \ufffd"' in text
    board.close()


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> tuple[wi.Store, Any]:
    """A store of a small simulated program, synced up to 90 days before its clock."""
    from webinar_insights.simulator import Simulator, SimulatorConfig

    sim = Simulator(
        SimulatorConfig(
            seed=7, scale=40, now=NOW, max_sessions_per_webinar=3, rate_limit_window=0.01
        )
    )
    store = wi.Store(tmp_path_factory.mktemp("store"))
    with wi.Client.simulator(simulator=sim, progress=False) as client:
        wi.sync(
            client,
            store,
            start=NOW - timedelta(days=400),
            end=NOW - timedelta(days=90),
            depth="registrants",
        )
    return store, sim


def test_store_source_fills_no_shows_from_registrants(synced: tuple[wi.Store, Any]) -> None:
    store, _ = synced
    board = Dashboard(store, debounce=0)
    expected = metrics.session_metrics(store.sessions(), registrants=store.registrants())
    assert_frame_equal(board.filtered(), expected)
    assert board.kpis()["no_show_rate"] is not None
    assert board.controls.refresh.disabled
    assert board.controls.refresh not in board.widget.children[3].children
    with pytest.raises(ConfigurationError, match="Refresh needs a client"):
        board.refresh_data()
    board.close()


def test_refresh_syncs_incrementally_and_redraws(
    synced: tuple[wi.Store, Any], tmp_path: Path
) -> None:
    store, sim = synced
    with wi.Client.simulator(simulator=sim, progress=False) as client:
        board = Dashboard(store, client=client, now=NOW, debounce=0)
        before = board._data.base.height
        assert board.controls.refresh in board.widget.children[3].children
        assert board._sync_plan()[1] == NOW + timedelta(days=40)
        board.controls.refresh.click()
    after = board._data.base.height
    assert after > before
    assert board.filtered().height == after
    assert board._progress.value == 3 and board._progress.bar_style == "success"
    assert "listings" in board._message.value and "unchanged" in board._message.value
    assert not board.controls.refresh.disabled
    assert f"of {after:,} sessions" in board._status.value
    board.close()


def test_frames_mapping_source(tmp_path: Path) -> None:
    registrants = pl.DataFrame(
        {
            "registrant_id": ["r1", "r2", "r3"],
            "session_id": ["s1", "s1", "s1"],
            "participant_id": ["p1", None, None],
            "registered_post_webinar": [False, False, True],
        }
    )
    board = Dashboard({"sessions": sessions_frame(), "registrants": registrants}, debounce=0)
    row = board.filtered().filter(pl.col("session_id") == "s1").row(0, named=True)
    assert (row["registrant_count"], row["no_show_count"]) == (2, 1)
    board.close()
    with pytest.raises(ConfigurationError, match="'sessions' frame"):
        Dashboard({"session": sessions_frame()}, debounce=0)


def test_a_store_a_sync_left_incomplete_is_shown_with_what_is_missing(tmp_path: Path) -> None:
    from webinar_insights.simulator import Simulator, SimulatorConfig

    sim = Simulator(SimulatorConfig(seed=7, scale=30, now=NOW, rate_limit_window=0.01))
    store = wi.Store(tmp_path)
    with wi.Client.simulator(simulator=sim, progress=False) as client:
        span = {"start": NOW - timedelta(days=200), "end": NOW + timedelta(days=30)}
        short = wi.sync(client, store, depth="registrants", budget=5, **span)  # type: ignore[arg-type]
        assert short.left > 0
        board = Dashboard(store, now=NOW, debounce=0)
        assert (
            f"Not complete yet: the last sync stopped early: registrants of {short.left:,}"
            " sessions not fetched" in board._status.value
        )
        wi.sync(client, store, depth="registrants", **span)  # type: ignore[arg-type]
    assert "Not complete yet" not in Dashboard(store, now=NOW, debounce=0)._status.value


# --------------------------------------------------------------------------- the Audience tab


@pytest.fixture(scope="module")
def people_store(tmp_path_factory: pytest.TempPathFactory) -> wi.Store:
    """A small simulated program synced with its people, 40 days past its clock (so that
    upcoming sessions have registrants so far)."""
    from webinar_insights.simulator import Simulator, SimulatorConfig

    sim = Simulator(
        SimulatorConfig(
            seed=7, scale=40, now=NOW, max_sessions_per_webinar=3, rate_limit_window=0.01
        )
    )
    store = wi.Store(tmp_path_factory.mktemp("people"))
    with wi.Client.simulator(simulator=sim, progress=False) as client:
        wi.sync(
            client,
            store,
            start=NOW - timedelta(days=400),
            end=NOW + timedelta(days=40),
            depth="participants",
        )
    return store


@pytest.fixture
def audience(people_store: wi.Store) -> Iterator[Dashboard]:
    board = Dashboard(people_store, now=NOW, debounce=0)
    yield board
    board.close()


def part(chart_spec: Spec, title: str) -> Spec:
    """The chart titled ``title`` among the parts of the Audience tab."""
    found: list[Spec] = [p for p in chart_spec["vconcat"] if p["title"]["text"] == title]
    assert len(found) == 1, [p["title"]["text"] for p in chart_spec["vconcat"]]
    return found[0]


def part_rows(chart_spec: Spec, title: str) -> list[dict[str, Any]]:
    """Every data row the part titled ``title`` draws (its datasets are the whole's)."""
    names = {
        node["data"]["name"]
        for node in walk(part(chart_spec, title))
        if isinstance(node.get("data"), dict) and "name" in node["data"]
    }
    return [row for name in sorted(names) for row in chart_spec["datasets"][name]]


def audience_spec(board: Dashboard) -> Spec:
    return spec(board, "audience")


def test_the_audience_tab_comes_last_under_its_title(dashboard: Dashboard) -> None:
    assert CHART_NAMES[-1] == "audience"
    assert len(dashboard._tabs.children) == len(dashboard._tabs.titles) == len(CHART_NAMES) == 6
    assert dashboard._tabs.titles[-1] == "Audience"
    assert set(dashboard.charts()) == set(CHART_NAMES)


def test_opening_the_audience_tab_draws_every_audience_chart(audience: Dashboard) -> None:
    output = audience._outputs["audience"]
    assert not output.outputs  # not drawn before it is opened
    assert "audience" not in audience._built
    audience._tabs.selected_index = CHART_NAMES.index("audience")
    (shown,) = output.outputs
    assert shown["output_type"] == "display_data"
    page = shown["data"]["text/html"]
    assert page.startswith('<div class="wi-chart"></div>') and "vegaEmbed" in page
    for entry in charts.AUDIENCE_CHARTS.values():
        assert json.dumps(entry.title)[1:-1] in page, entry.key
    drawn = audience_spec(audience)
    assert [p["title"]["text"] for p in drawn["vconcat"]] == [
        entry.title for entry in charts.AUDIENCE_CHARTS.values()
    ]
    assert "config" in drawn and all("config" not in p for p in drawn["vconcat"])
    # The snapshot of the open tab (for exported notebooks) is the same chart.
    assert "Audience" in audience.snapshot_html()


def channels_of(rows_: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    return {row["channel"]: (row["registered"], row["joined"]) for row in rows_ if "channel" in row}


def test_the_audience_charts_follow_the_host_and_status_controls(
    audience: Dashboard, people_store: wi.Store
) -> None:
    registrants, participants = people_store.registrants(), people_store.participants()

    def expected_channels() -> dict[str, tuple[int, int]]:
        finished = audience.filtered().filter(pl.col("status") == "Finished")
        table = metrics.channel_summary(finished, registrants, participants)
        return {c: (r, j) for c, r, j in table.select("channel", "registered", "joined").rows()}

    everyone = channels_of(part_rows(audience_spec(audience), "Channels"))
    assert everyone == expected_channels()
    host = max(
        audience.host_choices.values(),
        key=lambda key: audience.filtered().filter(metrics.host_key() == key).height,
    )
    audience.set_filters(hosts=[host])
    one_host = channels_of(part_rows(audience_spec(audience), "Channels"))
    assert one_host == expected_channels()
    assert one_host != everyone
    assert sum(r for r, _ in one_host.values()) < sum(r for r, _ in everyone.values())

    # New and returning people: of the sessions shown, in the periods of the range shown.
    returning = part_rows(audience_spec(audience), "New and returning attendees")
    table = metrics.new_vs_returning(audience.filtered(), participants, every="1w")
    assert sum(row["count"] for row in returning if row["kind"] == "Returning") == (
        table["returning"].sum()
    )
    assert sum(row["count"] for row in returning if row["kind"] == "New") == table["new"].sum()

    audience.controls.statuses.value = ("Scheduled",)  # nothing has ended: no channels
    (message,) = [row["message"] for row in part_rows(audience_spec(audience), "Channels")]
    assert message.startswith("No data: no live registrants")


def test_the_forecast_learns_from_every_session_and_shows_those_selected(
    audience: Dashboard, people_store: wi.Store
) -> None:
    everything = metrics.attendance_forecast(
        metrics.session_metrics(people_store.sessions(), registrants=people_store.registrants()),
        people_store.registrants(),
        now=NOW,
    )
    assert everything.height >= 2

    def forecast_values() -> set[float]:
        drawn = part_rows(audience_spec(audience), "Forecast for upcoming sessions")
        return {row["value"] for row in drawn if "value" in row}

    def expected(frame: pl.DataFrame) -> set[float]:
        return {round(v, 6) for v in frame["forecast_registrants"]} | {
            round(v, 6) for v in frame["forecast_attendees"]
        }

    assert forecast_values() == expected(everything)
    session_id = everything["session_id"][0]
    webinar = audience.filtered().filter(pl.col("session_id") == session_id)["webinar_id"][0]
    audience.set_filters(webinars=[webinar])
    # Shown: the selected webinar's upcoming sessions, forecast from the whole program.
    shown = everything.filter(pl.col("session_id").is_in(audience.filtered()["session_id"]))
    assert 0 < shown.height < everything.height
    assert forecast_values() == expected(shown)


def test_the_audience_periods_follow_the_date_range_and_time_zone(
    audience: Dashboard, people_store: wi.Store
) -> None:
    registrants = people_store.registrants()

    def drawn() -> list[int]:
        rows_ = part_rows(audience_spec(audience), "On-demand sign-ups")
        return [row["post_webinar_registrants"] for row in sorted(rows_, key=lambda r: r["period"])]

    def expected(every: str) -> list[int]:
        finished = audience.filtered().filter(pl.col("status") == "Finished")
        table = metrics.on_demand(
            finished, registrants, every=every, time_zone=audience.filters.time_zone
        )
        return table["post_webinar_registrants"].to_list()

    audience.set_filters(start=date(2026, 6, 1), end=date(2026, 6, 30))
    # The period the report would choose for the range (charts.explore_period): a month in days.
    assert charts.explore_period(*audience.filters.bounds())[0] == "1d"  # type: ignore[arg-type]
    assert drawn() == expected("1d") and len(drawn()) > 1
    audience.set_filters(start=date(2026, 1, 1), end=date(2026, 10, 31))
    assert charts.explore_period(*audience.filters.bounds())[0] == "1w"  # type: ignore[arg-type]
    assert drawn() == expected("1w") != expected("1d")
    audience.set_filters(time_zone="Pacific/Kiritimati")  # the same weeks, cut 14 hours earlier
    assert drawn() == expected("1w")
    audience.set_filters(start=None, end=None)  # open: the span of the sessions shown
    first, last = (
        audience.filtered()
        .select(metrics.session_moment().min(), metrics.session_moment().max().alias("last"))
        .row(0)
    )
    assert drawn() == expected(charts.explore_period(first, last)[0])


def test_the_audience_tab_is_cached_by_what_it_reads(audience: Dashboard) -> None:
    first = audience.charts()["audience"]
    audience.controls.late_after.value = 12.0  # no audience chart reads the threshold
    assert audience.charts()["audience"] is first
    audience.controls.time_zone.value = "Europe/Berlin"  # its periods are cut in the zone
    second = audience.charts()["audience"]
    assert second is not first
    audience.controls.time_zone.value = "Europe/Berlin"
    assert audience.charts()["audience"] is second
    # Fewer past sessions shown, the same upcoming ones: the forecast is not made again.
    assert audience._forecasted is not None
    forecast = audience._forecasted[1]
    audience.set_filters(start=date(2026, 6, 1))
    assert audience.charts()["audience"] is not second
    assert audience._forecasted[1] is forecast


def test_an_open_audience_tab_is_redrawn_when_a_control_changes(audience: Dashboard) -> None:
    audience._tabs.selected_index = CHART_NAMES.index("audience")
    output = audience._outputs["audience"]
    before = output.outputs
    audience.controls.statuses.value = ("Finished",)
    assert output.outputs != before
    assert len(output.outputs) == 1


def test_without_people_the_audience_tab_says_what_to_sync(dashboard: Dashboard) -> None:
    dashboard._tabs.selected_index = CHART_NAMES.index("audience")
    drawn = audience_spec(dashboard)
    assert "vconcat" not in drawn
    assert drawn["title"]["text"] == "Audience"
    messages = [row["message"] for row in rows(drawn) if "message" in row]
    assert messages == ["No data: sync with depth registrants or participants"]
    assert (
        "sync with depth registrants or participants"
        in (dashboard._outputs["audience"].outputs[0]["data"]["text/html"])
    )


def test_with_registrants_only_the_audience_tab_leaves_out_returning_people(
    synced: tuple[wi.Store, Any],
) -> None:
    store, _ = synced  # synced with depth registrants: no participants
    board = Dashboard(store, now=NOW, debounce=0)
    titles = [p["title"]["text"] for p in audience_spec(board)["vconcat"]]
    assert titles == [
        entry.title
        for entry in charts.AUDIENCE_CHARTS.values()
        if entry.source not in ("new_vs_returning", "series_cohorts")
    ]
    board.close()
