"""``webinar-insights report``: every option checked by its effect on the document, the summary
it prints or the data it exports. One ``report --demo`` run is shared: its store is the store
the other runs read (report builds take seconds)."""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from webinar_insights import Store
from webinar_insights.cli import main
from webinar_insights.report import vega_bundle


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    folder: Path


def run_report(folder: Path, *argv: str) -> Run:
    """``main(["report", *argv])`` in ``folder``, its output captured (works in any scope)."""
    out, err = io.StringIO(), io.StringIO()
    with (
        pytest.MonkeyPatch.context() as patch,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        patch.chdir(folder)
        code = main(["report", *argv])
    return Run(code, out.getvalue(), err.getvalue(), folder)


def sessions_in(summary: str) -> int:
    match = re.search(r"^([\d,]+) sessions \(", summary, re.MULTILINE)
    assert match, summary
    return int(match.group(1).replace(",", ""))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """``report --demo -o out/demo.html``: syncs the simulator into out/.demo-store first."""
    return run_report(tmp_path_factory.mktemp("demo"), "--demo", "-o", "out/demo.html")


@pytest.fixture(scope="module")
def store(demo: Run) -> Store:
    assert demo.code == 0, demo.err
    return Store(demo.folder / "out" / ".demo-store")


def test_demo_syncs_the_simulator_beside_the_report_then_reports(demo: Run) -> None:
    assert (demo.code, demo.err) == (0, "")
    assert demo.out.startswith("Demo: syncing the built-in simulator into out/.demo-store ...")
    assert (demo.folder / "out" / ".demo-store" / "manifest.sqlite").is_file()
    synced = Store(demo.folder / "out" / ".demo-store").sessions()
    # Seed 42 plans 300 sessions; 1 of them ends after the default sync range.
    assert synced.height == 299
    # The fixed clock and the default range: the same report every run.
    assert "scheduled 2026-05-01 to 2026-11-30 (UTC)" in demo.out
    html = (demo.folder / "out" / "demo.html").read_text(encoding="utf-8")
    assert "<title>Webinar program report" in html
    assert "Personal data: host names only." in html


def test_store_filters_and_export_data(store: Store, tmp_path: Path) -> None:
    everything = store.sessions()
    first, last = datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
    in_range = everything.filter(pl.col("scheduled_start").is_between(first, last, "left"))
    host = in_range.group_by("host_user_id").len().sort("len", descending=True)[0, 0]
    # There is something for each filter to leave out.
    assert in_range.height < everything.height
    assert set(in_range["host_user_id"]) != {host}
    assert "Scheduled" in set(in_range.filter(host_user_id=host)["status"])
    result = run_report(
        tmp_path, "--store", str(store.path), "--from", "2026-06-01", "--to", "2026-11-30",
        "--host", host, "--status", "finished", "-o", "filtered.html", "--export-data", "data",
    )  # fmt: skip
    assert (result.code, result.err) == (0, ""), result.err
    assert f"Report: {tmp_path / 'filtered.html'}" in result.out
    assert (tmp_path / "filtered.html").stat().st_size > 500_000
    assert f"Data: 54 files in {tmp_path / 'data'}" in result.out
    for name in ("sessions.parquet", "sessions.csv", "webinars.csv", "explore.svg", "explore.png"):
        assert (tmp_path / "data" / name).is_file(), name
    shown = pl.read_parquet(tmp_path / "data" / "sessions.parquet")
    expected = in_range.filter(host_user_id=host, status="Finished")
    assert sorted(shown["session_id"]) == sorted(expected["session_id"])
    assert sessions_in(result.out) == expected.height > 0


def test_webinar_title_time_zone_personal_data_and_output(
    store: Store, demo: Run, tmp_path: Path
) -> None:
    everything = store.sessions()
    counts = everything.group_by("webinar_id").len().sort(["len", "webinar_id"], descending=True)
    chosen = counts["webinar_id"][:2].to_list()
    result = run_report(
        tmp_path, "--store", str(store.path), "--webinar", chosen[0], "--webinar", chosen[1],
        # Every stored session: the default range (the last 90 days) moves with the clock.
        "--from", "2025-01-01", "--to", "2026-12-31",
        "--title", "Quarterly <review>", "--time-zone", "America/New_York",
        "--pseudonymize-hosts", "--output", "named/report.html",
    )  # fmt: skip
    assert (result.code, result.err) == (0, ""), result.err
    assert f"Report: {tmp_path / 'named' / 'report.html'}" in result.out
    expected = everything.filter(pl.col("webinar_id").is_in(chosen))
    assert sessions_in(result.out) == expected.height < everything.height
    assert "(America/New_York)" in result.out
    html = (tmp_path / "named" / "report.html").read_text(encoding="utf-8")
    default = (demo.folder / "out" / "demo.html").read_text(encoding="utf-8")
    assert "<title>Quarterly &lt;review&gt;" in html
    assert "Quarterly &lt;review&gt;" not in default
    # Days and times are New York's: the meta line says so (the default says UTC).
    assert re.search(r"As of [\d-]+ [\d:]+ \(America/New_York\)\.</p>", html)
    assert re.search(r"As of [\d-]+ [\d:]+ \(UTC\)\.</p>", default)
    # Hosts as Host 1, Host 2, ...: no name or user id of theirs (the default shows names).
    assert "Personal data: none." in html and "Personal data: none." not in default
    names = set(expected["host_name"].drop_nulls())
    ids = set(expected["host_user_id"].drop_nulls())
    assert names and not [
        value for value in names | ids if value in html.replace(vega_bundle(), "")
    ]
    assert ">Host 1<" in html
    assert any(name in default for name in names)


def test_include_personal_data_is_accepted_with_a_note(store: Store, tmp_path: Path) -> None:
    result = run_report(
        tmp_path, "--store", str(store.path), "--include-personal-data", "-o", "old.html"
    )
    assert result.code == 0, result.err
    assert "--include-personal-data is no longer needed" in result.err
    html = (tmp_path / "old.html").read_text(encoding="utf-8")
    assert "Personal data: host names only." in html
