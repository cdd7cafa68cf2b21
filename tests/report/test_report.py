"""Tests for webinar_insights.report and the ``report`` command (no browser; see
test_browser.py for the document in a real headless Chromium)."""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.support import synthetic
from tests.support.report_sessions import (
    IMG,
    NOW,
    PWNED,
    hostile_sessions,
    record,
    small_report,
    small_sessions,
)
from webinar_insights import Client, Store, frames, metrics, report, sync
from webinar_insights.cli import main
from webinar_insights.errors import ConfigurationError, StoreError
from webinar_insights.report import Report, build_report, report_from_store, report_range
from webinar_insights.report._tables import pseudonymous_hosts
from webinar_insights.simulator import Simulator, SimulatorConfig

SNAPSHOTS = Path(__file__).parent / "snapshots"


def without_bundle(document: str) -> str:
    return document.replace(report.vega_bundle(), "")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = tmp_path_factory.mktemp("report-store") / "store"
    sim = Simulator(
        SimulatorConfig(
            seed=7, scale=60, now=NOW, rate_limit_window=0.02, max_sessions_per_webinar=3
        )
    )
    target = Store(path)
    with Client.simulator(simulator=sim, progress=False) as client:
        sync(client, target, start="2025-10-01", end="2026-12-10", depth="participants")
    return target


@pytest.fixture(scope="module")
def store_report(store: Store) -> Report:
    return report_from_store(store, start="2026-05-01", end="2026-10-31", now=NOW)


def test_public_names_resolve() -> None:
    assert report.__all__ == sorted(report.__all__)
    for name in report.__all__:
        assert hasattr(report, name), name


def test_report_is_frozen() -> None:
    built = small_report()
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.title = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        built.frames["sessions"] = pl.DataFrame()  # type: ignore[index]
    with pytest.raises(TypeError):
        built.kpis["sessions"] = 0  # type: ignore[index]
    retitled = dataclasses.replace(built, title="Q4")
    assert (retitled.title, built.title) == ("Q4", "Webinar program report")


def test_range_and_previous_period() -> None:
    built = small_report()
    berlin_midnight = datetime(2026, 9, 30, 22, tzinfo=UTC)
    assert built.start == berlin_midnight
    assert built.end == datetime(2026, 10, 31, 23, tzinfo=UTC)  # CET again after Oct 25
    assert built.previous_end == built.start
    assert built.previous_start == datetime(2026, 8, 30, 22, tzinfo=UTC)  # 31 days before
    assert set(built.frames["sessions"]["session_id"]) == {"s1", "s2", "s3", "s4", "s5", "s6"}
    assert built.previous_sessions == 2


def test_kpis_match_metrics_for_both_periods() -> None:
    built = small_report()
    every = metrics.session_metrics(small_sessions())
    current = every.filter(
        pl.col("session_id").str.starts_with("s"), pl.col("status") != "Scheduled"
    )
    previous = every.filter(pl.col("session_id").str.starts_with("p"))
    assert dict(built.kpis) == metrics.kpis(current)
    assert dict(built.previous_kpis) == metrics.kpis(previous)
    kpis = built.frames["kpis"]
    assert kpis["kpi"].to_list() == list(metrics.KPI_KEYS)
    assert kpis.filter(kpi="sessions")["previous_value"].item() == 2.0


def test_report_range_reads_dates_in_the_time_zone() -> None:
    start, end = report_range("2026-03-01", "2026-03-31", time_zone="Europe/Berlin")
    assert start == datetime(2026, 2, 28, 23, tzinfo=UTC)
    assert end == datetime(2026, 3, 31, 22, tzinfo=UTC)  # CEST from March 29
    assert report_range(None, "2026-03-31T10:00:00Z") == (
        None,
        datetime(2026, 3, 31, 10, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"start": "2026-10-31", "end": "2026-10-01"}, "reversed"),
        ({"time_zone": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'"),
        ({"start": "yesterday"}, "not a date"),
        ({"top": 0}, "top must be"),
    ],
)
def test_bad_options_raise_configuration_errors(options: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {"now": NOW, **options}
    with pytest.raises(ConfigurationError, match=message):
        build_report(small_sessions(), **arguments)


def test_an_empty_frame_gives_a_report_that_says_no_data() -> None:
    built = build_report(small_sessions().clear(), now=NOW)
    assert built.kpis["sessions"] == 0
    document = built.to_html()
    assert "No session was flagged." in document
    assert "No data" in document  # the charts' own "No data" message, in their specs


def test_tables_are_bounded_and_ranked() -> None:
    built = small_report(top=2)
    top, bottom = built.frames["top_sessions"], built.frames["bottom_sessions"]
    assert top["session_id"].to_list() == ["s1", "s4"]  # 80% and 75% of registrants
    assert bottom["session_id"].to_list() == ["s5", "s3"]  # 0% and 12.5%
    assert (top["registrant_count"] >= 10).all()
    webinars = built.frames["webinars"]
    assert webinars["webinar_id"].to_list()[:2] == ["w1", "w2"]  # most sessions first


def test_anomalies_carry_reasons_and_webinar_titles() -> None:
    flagged = small_report().frames["anomalies"]
    assert flagged.columns == [
        *metrics.ANOMALIES.names()[:2],
        "webinar_title",
        *metrics.ANOMALIES.names()[2:],
    ]
    kinds = set(zip(flagged["session_id"], flagged["kind"], strict=True))
    assert {
        ("s2", "late_start"),
        ("s3", "overrun"),
        ("s4", "recording_failed"),
        ("s5", "no_attendees"),
    } <= kinds
    assert flagged.filter(session_id="s4")["webinar_title"].item() == "Security Clinic"
    document = small_report().to_html()
    assert "The recording of this session failed." in document


def test_document_inlines_the_bundle_once_and_loads_nothing() -> None:
    document = small_report().to_html()
    bundle = report.vega_bundle()
    assert document.count(bundle) == 1
    rest = without_bundle(document)
    assert not re.search(r"<script[^>]*\bsrc=|<link\b|<img\b|<iframe\b|@import|url\(", rest)
    assert not re.search(r"https?://", rest), re.findall(r".{40}https?://.{40}", rest)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', rest)
    assert policy is not None
    assert "default-src &#x27;none&#x27;" in policy.group(1)
    # Each chart has its mount point and its spec; every spec is valid JSON.
    keys = [chart.key for chart in small_report().charts]
    assert keys == [
        "explore",
        "attendance-rate",
        "start-delay",
        "overrun",
        "status-timeline",
        "weekday-hour",
    ]
    for key in keys:
        assert f'id="chart-{key}"' in rest
        spec = re.search(rf'id="spec-{key}" data-chart="{key}">(.*?)</script>', rest, flags=re.S)
        assert spec is not None
        assert "$schema" not in json.loads(spec.group(1))


def test_explore_chart_links_period_host_and_status() -> None:
    explore = small_report().charts[0].chart.to_dict()
    summary, middle, rates = explore["vconcat"]
    periods, hosts = middle["hconcat"]
    # Altair lifts the parameters to the top level, each naming the view that declares it.
    declared = {param["name"]: param["views"] for param in explore["params"]}
    assert declared == {
        "period": ["explore_periods"],
        "status": ["explore_periods"],
        "host": ["explore_hosts"],
    }
    filters = {
        view["name"]: [t["filter"]["param"] for t in view["transform"] if "filter" in t]
        for view in (summary, periods, hosts, rates)
    }
    assert filters == {
        "explore_summary": ["period", "host", "status"],
        "explore_periods": ["host"],
        "explore_hosts": ["period", "status"],
        "explore_rates": ["host"],
    }
    # Each weekly point is sized by the sessions behind it, which its tooltip says.
    _line, points = rates["layer"]
    assert points["encoding"]["size"]["field"] == "sessions"
    assert "sessions" in [t["field"] for t in points["encoding"]["tooltip"]]
    assert "all hosts, or the host clicked above" in json.dumps(rates["title"])
    assert len(explore["datasets"]) == 1  # one pre-aggregated table behind all four views
    rows = next(iter(explore["datasets"].values()))
    assert sum(row["n"] for row in rows) == 6


def test_hostile_strings_are_escaped_everywhere() -> None:
    built = build_report(hostile_sessions(), now=NOW)
    rest = without_bundle(built.to_html())
    # The spec blocks, the CSV rules, the session pages, the filter data, the bundle and the
    # report's two scripts.
    assert len(re.findall(r"<script\b", rest)) == 6 + len(built.charts)
    assert 'id="session-pages"' in rest
    assert PWNED not in rest
    assert IMG not in rest
    assert "<script>window" not in rest
    assert "<img" not in rest
    assert "&lt;/script&gt;&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in rest
    assert "&lt;img src=x onerror=&quot;window.__pwned = 2&quot;&gt;" in rest
    assert "Eve &lt;b&gt;Evil&lt;/b&gt;" in rest
    assert "<b>" not in rest
    specs = "".join(
        re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', rest, flags=re.S)
    )
    assert "\\u003c/script\\u003e" in specs
    assert "\u2028" not in specs
    assert "\\u2028" in specs
    for block in re.findall(
        r'<script type="application/json"[^>]*>(.*?)</script>', rest, flags=re.S
    ):
        assert "<" not in block
        json.loads(block)


def test_people_are_left_out_and_hosts_shown_by_name(store: Store, store_report: Report) -> None:
    rest = without_bundle(store_report.to_html())
    people = pl.concat(
        [
            store.participants().select("first_name", "last_name", "email"),
            store.registrants().select("first_name", "last_name", "email"),
        ]
    ).drop_nulls()
    assert people.height > 100
    hosts = set(store.sessions()["host_name"].drop_nulls())  # the simulator's names overlap
    for first, last, email in people.head(500).iter_rows():
        assert email not in rest
        assert f"{first} {last}" in hosts or f"{first} {last}" not in rest
    shown = set(store_report.frames["sessions"]["host_name"].drop_nulls())
    assert shown and all(f">{name}<" in rest for name in shown)  # in the tables, by name
    assert "Personal data: host names only." in rest


def test_pseudonymized_hosts_leave_no_host_name_or_id(store: Store) -> None:
    sessions = store.sessions()
    report = report_from_store(
        store, start="2026-05-01", end="2026-10-31", now=NOW, pseudonymize_hosts=True
    )
    document = without_bundle(report.to_html())
    names = set(sessions["host_name"].drop_nulls())
    ids = set(sessions["host_user_id"].drop_nulls())
    assert names and ids
    assert [v for v in names | ids if v in document] == []
    assert "Personal data: none." in document
    frame = report.frames["sessions"]
    assert set(frame["host_name"].drop_nulls()) <= {f"Host {n}" for n in range(1, 1000)}
    assert frame["host_name"].to_list() == frame["host_user_id"].to_list()
    # One host, one pseudonym: the per-host figures are the same as under names.
    named = report_from_store(store, start="2026-05-01", end="2026-10-31", now=NOW)
    per_host = [
        sorted(r.frames["sessions"].group_by("host_user_id").len()["len"].to_list())
        for r in (report, named)
    ]
    assert per_host[0] == per_host[1]
    for exported in report.export_data(store.path.parent / "pseudonymized", images=False):
        if exported.suffix == ".csv":
            written = exported.read_text(encoding="utf-8")
            assert [v for v in names | ids if v in written] == [], exported.name


def test_pseudonyms_follow_the_first_session_and_skip_sessions_without_a_host() -> None:
    start = datetime(2026, 10, 5, 15, tzinfo=UTC)
    sessions = frames.sessions_frame(
        [
            record("a", start=start + timedelta(days=2), host=("Zed", "Z", "u9")),
            record("b", start=start, host=("Amy", "A", "u5")),
            record("c", start=start + timedelta(days=1), host=("Zed", "Z", "u9")),
            record("d", start=start + timedelta(days=3), host=("Bo", "B", None)),
        ]
    ).vstack(
        frames.sessions_frame([record("e", start=start + timedelta(days=4))]).with_columns(
            host_user_id=pl.lit(None, pl.String), host_name=pl.lit(None, pl.String)
        )
    )
    shown = pseudonymous_hosts(sessions).sort("session_id")
    assert shown["host_name"].to_list() == ["Host 2", "Host 1", "Host 2", "Host 3", None]
    assert shown["host_user_id"].to_list() == shown["host_name"].to_list()


def test_include_personal_data_is_no_longer_needed_and_says_so() -> None:
    with pytest.warns(DeprecationWarning, match="no longer needed: hosts are shown by name"):
        report = build_report(small_sessions(), now=NOW, include_personal_data=True)
    assert "Ada Lovelace" in without_bundle(report.to_html())


def test_size_stays_bounded_at_100k_sessions() -> None:
    built = build_report(synthetic.sessions(100_000, now=NOW), now=NOW)
    document = built.to_html()
    beyond = len(document.encode()) - len(report.vega_bundle().encode())
    # Issue #19's budget: the filter bar's per-session data is most of it (the benchmark
    # prints the figure).
    assert beyond < 5_000_000, beyond
    assert built.frames["sessions"].height == 100_000
    assert built.frames["top_sessions"].height == 10
    assert document.count("<tr>") < 200


def test_snapshot_of_the_document_structure() -> None:
    """The document with the bundle, the specs and the script hashes replaced by placeholders.

    Set UPDATE_SNAPSHOTS=1 to write tests/report/snapshots/report.html anew after an intended change.
    """
    document = small_report().to_html()
    document = document.replace(report.vega_bundle(), "/* vega bundle */")
    document = re.sub(
        r'(<script type="application/json" id="spec-[^"]+" data-chart="[^"]+">).*?(</script>)',
        r"\1{…}\2",
        document,
        flags=re.S,
    )
    # The filter data is compressed (zlib's bytes may differ between builds); its content is
    # tested in test_filter_data.
    document = re.sub(
        r'(<script type="application/octet-stream" id="filter-data"[^>]*>).*?(</script>)',
        r"\1…\2",
        document,
        flags=re.S,
    )
    document = re.sub(r"sha256-[A-Za-z0-9+/=]+", "sha256-…", document)
    path = SNAPSHOTS / "report.html"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(document, encoding="utf-8")
    assert path.exists(), "no snapshot yet: run with UPDATE_SNAPSHOTS=1 to write it"
    expected = path.read_text(encoding="utf-8")
    if document != expected:
        diff = "\n".join(
            difflib.unified_diff(
                expected.splitlines(), document.splitlines(), "snapshot", "now", lineterm=""
            )
        )
        pytest.fail(f"the document differs from {path} (UPDATE_SNAPSHOTS=1 to accept):\n{diff}")


def test_csv_safe_neutralises_formulas_and_keeps_numbers() -> None:
    frame = pl.DataFrame(
        {
            "title": ["=1+1", "+cmd", "-2", "@SUM(A1)", "\tx", "plain", None],
            "delay_min": [-3.5, 1.0, -2.0, 0.0, 1.5, 2.0, None],
            "count": [-1, 2, 3, 4, 5, 6, None],
        }
    ).with_columns(pl.col("count").cast(pl.Int64))
    safe = report.csv_safe(frame)
    assert safe["title"].to_list() == ["'=1+1", "'+cmd", "'-2", "'@SUM(A1)", "'\tx", "plain", None]
    assert_frame_equal(safe.drop("title"), frame.drop("title"))
    text = safe.write_csv()
    assert "\n'=1+1,-3.5,-1\n" in text


def test_csv_safe_turns_durations_into_minutes() -> None:
    frame = pl.DataFrame(
        {
            "start_delay": [timedelta(minutes=2, seconds=30)],
            "overrun": [timedelta(minutes=-1)],
            "overrun_min": [-1.0],
        }
    )
    safe = report.csv_safe(frame)
    assert safe.columns == ["start_delay_min", "overrun_min"]
    assert safe.row(0) == (2.5, -1.0)


def test_export_data_writes_every_frame_and_chart(tmp_path: Path) -> None:
    built = build_report(hostile_sessions(), now=NOW)
    written = built.export_data(tmp_path / "data")
    names = {path.name for path in written}
    for frame_name in built.frames:
        assert {f"{frame_name}.parquet", f"{frame_name}.csv"} <= names
    for chart in built.charts:
        assert {f"{chart.key}.svg", f"{chart.key}.png"} <= names
    assert (tmp_path / "data" / "explore.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert_frame_equal(
        pl.read_parquet(tmp_path / "data" / "sessions.parquet"), built.frames["sessions"]
    )
    csv = (tmp_path / "data" / "sessions.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in csv
    assert ",=HYPERLINK" not in csv
    back = pl.read_csv(tmp_path / "data" / "sessions.csv")
    assert back.schema["start_delay_min"] == pl.Float64  # numbers stay numbers
    assert back.schema["registrant_count"] == pl.Int64


def test_report_from_store_filters(store: Store) -> None:
    sessions = store.sessions()
    webinar = sessions.sort("session_id")["webinar_id"][0]
    host = sessions.sort("session_id")["host_user_id"][0]
    by_webinar = report_from_store(store, webinars=[webinar], now=NOW)
    assert set(by_webinar.frames["sessions"]["webinar_id"]) == {webinar}
    assert dict(by_webinar.filters)["webinars"] == (webinar,)
    by_host = report_from_store(store, hosts=[host], statuses=["Finished"], now=NOW)
    assert set(by_host.frames["sessions"]["host_user_id"]) == {host}
    assert set(by_host.frames["sessions"]["status"]) == {"Finished"}
    assert by_host.provenance is not None and by_host.provenance["syncs"]


def test_report_from_store_rejects_bad_input(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="unknown webinar id"):
        report_from_store(store, webinars=["nope"])
    with pytest.raises(ConfigurationError, match="unknown host id"):
        report_from_store(store, hosts=["nobody"])
    with pytest.raises(ConfigurationError, match="unknown status"):
        report_from_store(store, statuses=["Done"])
    with pytest.raises(ConfigurationError, match="no session between"):
        report_from_store(store, start="2020-01-01", end="2020-01-31")
    with pytest.raises(StoreError, match="no store"):
        report_from_store(Store(tmp_path / "missing"))


def test_store_report_has_every_chart(store_report: Report) -> None:
    keys = [chart.key for chart in store_report.charts]
    assert keys[-3:] == ["retention", "funnel", "lead-time"]
    assert store_report.notes == ()
    assert store_report.frames["funnel"]["stage"].to_list()[0] == "Registered"


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["report", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_cli_writes_the_report_and_exports(
    store: Store, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(
        capsys,
        "--store", str(store.path),
        "--from", "2026-05-01",
        "--to", "2026-10-31",
        "--time-zone", "Europe/Berlin",
        "-o", "out/report.html",
        "--export-data", "out/data",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert (workdir / "out" / "report.html").stat().st_size > 900_000
    assert f"Report: {workdir / 'out' / 'report.html'}" in out
    assert "attendance rate" in out
    assert "vs previous" in out
    assert (workdir / "out" / "data" / "webinars.csv").exists()
    assert (workdir / "out" / "data" / "explore.svg").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--webinar", "nope"], "unknown webinar id(s) nope"),
        (["--host", "nobody"], "unknown host id(s) nobody"),
        (["--from", "2026-10-31", "--to", "2026-10-01"], "the range is empty or reversed"),
        (["--time-zone", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
        (["--from", "2019-01-01", "--to", "2019-01-31"], "no session between"),
    ],
)
def test_cli_bad_input_exits_2_and_writes_nothing(
    store: Store,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    code, out, err = run_cli(
        capsys, "--store", str(store.path), "-o", "out/r.html", "--export-data", "out/d", *argv
    )
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("webinar-insights: error: ")
    assert message in err
    assert not (workdir / "out").exists()


def test_cli_missing_and_empty_stores_exit_2(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(capsys, "--store", "missing", "-o", "r.html")
    assert code == 2
    assert "no store at missing" in err
    assert not (workdir / "r.html").exists()
    Store(workdir / "empty").rebuild()
    code, _, err = run_cli(capsys, "--store", "empty", "-o", "r.html")
    assert code == 2
    assert "holds no sessions" in err
    assert not (workdir / "r.html").exists()


def test_cli_demo_checks_input_before_syncing(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(
        capsys, "--demo", "-o", "reports/r.html", "--time-zone", "Nowhere/City"
    )
    assert (code, out) == (2, "")
    assert "unknown time zone 'Nowhere/City'" in err
    assert not (workdir / "reports").exists()


def test_cli_output_must_be_a_file(
    store: Store, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "folder").mkdir()
    code, _, err = run_cli(capsys, "--store", str(store.path), "-o", "folder")
    assert code == 2
    assert "is a directory" in err
    (workdir / "file.txt").write_text("x")
    code, _, err = run_cli(
        capsys, "--store", str(store.path), "-o", "r.html", "--export-data", "file.txt"
    )
    assert code == 2
    assert "--export-data file.txt exists and is not a directory" in err
    assert not (workdir / "r.html").exists()
