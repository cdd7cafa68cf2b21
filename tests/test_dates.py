"""Dates far outside what a webinar program can hold, and an empty store path, are refused with
one clear line (never an OverflowError, never the current directory turned into a store), from
the Python API and the command line alike."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from webinar_insights import ConfigurationError
from webinar_insights._time import time_range, to_utc
from webinar_insights.cli import main
from webinar_insights.report import report_range
from webinar_insights.store import Store


@pytest.mark.parametrize(
    ("start", "end", "bad"),
    [
        ("2026-01-01", "9999-12-31", "end: 9999-12-31"),
        ("0001-01-01", "2026-01-01", "start: 0001-01-01"),
        ("1999-12-31", "2026-01-01", "start: 1999-12-31"),
        ("2026-01-01", "0001-01-01T00:00:00+05:00", "end: 0001-01-01 00:00:00+05:00"),
    ],
)
def test_dates_outside_the_supported_range_are_refused(start: str, end: str, bad: str) -> None:
    for check in (
        lambda: time_range(start, end),
        lambda: report_range(start, end, time_zone="Pacific/Kiritimati"),
    ):
        with pytest.raises(ConfigurationError, match=re.escape(f"{bad} is outside the dates")):
            check()


def test_the_edges_of_the_range_are_accepted() -> None:
    assert time_range("2000-01-01", "2099-12-31")[0] == to_utc("2000-01-01", name="start")


@pytest.mark.parametrize(
    "argv",
    [
        ["sync", "--demo", "--from", "2026-01-01", "--to", "9999-12-31"],
        ["report", "--from", "0001-01-01", "--to", "2026-01-01"],
    ],
)
def test_the_cli_refuses_them_with_one_line(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([*argv, "--store", str(tmp_path / "store")])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "outside the dates this tool handles" in err
    assert not (tmp_path / "store").exists()


@pytest.mark.parametrize("command", ["sync", "report"])
def test_an_empty_store_path_is_refused(
    command: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    code = main([command, "--demo", "--store", ""])
    assert code == 2
    assert "empty path" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # the current directory did not become a store
    with pytest.raises(ConfigurationError, match="store path is empty"):
        Store("")
