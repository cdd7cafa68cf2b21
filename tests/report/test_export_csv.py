"""CSV exports a spreadsheet opens safely, and exports that control characters cannot crash.

Formula forms follow OWASP's CSV injection page: a cell that begins (after any whitespace) with
``= + - @``, their fullwidth forms, a tab or a line break, and a formula hidden after a field
separator or line break inside a cell. NUL and the other C0 controls abort the image renderer
(vl-convert panics, killing the process, a notebook's kernel included), so the export runs in a
subprocess here.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import textwrap
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from webinar_insights.report import csv_safe, write_safe_csv

REPO = Path(__file__).resolve().parents[2]

FORMULAS = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\uff1dHYPERLINK(1)",  # fullwidth ＝
    "\uff0b1",  # ＋
    "\uff0d1",  # －
    "\uff20SUM(A1)",  # ＠
    " =1+1",
    "   @SUM(A1)",
    "\u00a0=1",  # a no-break space first
    "\t=1",
    "\r=1",
    "\n=1",
    "\r\n=cmd|' /C calc'!A0",
    "title\n=1",
    "title\r\n+1",
    "a;=1",
    "a; =1",
    "a,=1",
    "a,\uff1d1",
    "a\t=1",
    "\tplain",
    "\rplain",
    "\nplain",
]
HARMLESS = ["plain", "a-b", "x@example.org", "e=mc2", "C++", "50%", "a;b", "1,5", ""]


@pytest.mark.parametrize("text", FORMULAS, ids=repr)
def test_every_formula_form_gets_a_leading_quote_and_keeps_its_text(text: str) -> None:
    safe = csv_safe(pl.DataFrame({"t": [text]}))
    assert safe["t"].to_list() == ["'" + text]


@pytest.mark.parametrize("text", HARMLESS, ids=repr)
def test_harmless_text_is_left_alone(text: str) -> None:
    assert csv_safe(pl.DataFrame({"t": [text]}))["t"].to_list() == [text]


def test_categories_are_checked_as_text() -> None:
    frame = pl.DataFrame({"c": ["=1", "ok"]}, schema={"c": pl.Categorical})
    assert csv_safe(frame)["c"].to_list() == ["'=1", "ok"]


def test_control_characters_become_the_replacement_character() -> None:
    frame = pl.DataFrame({"t": ["a\x00b", "\x01\x1b[31m", "tab\tand\nlines\r", "\x00=1"]})
    assert csv_safe(frame)["t"].to_list() == [
        "a\ufffdb",
        "\ufffd\ufffd[31m",
        "tab\tand\nlines\r",  # kept: CSV quotes them
        "\ufffd=1",  # no longer a formula: it does not begin with '='
    ]


def cells(text: str, delimiter: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_no_cell_of_a_written_file_starts_a_formula_whatever_the_separator(
    delimiter: str, tmp_path: Path
) -> None:
    frame = pl.DataFrame({"t": FORMULAS, "n": list(range(len(FORMULAS)))})
    text = write_safe_csv(frame, tmp_path / "x.csv").read_text(encoding="utf-8")
    for cell in cells(text, delimiter):
        assert not cell.lstrip().startswith(("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d"))
    back = pl.read_csv(tmp_path / "x.csv")
    assert back["t"].to_list() == ["'" + t for t in FORMULAS]
    assert back["n"].to_list() == list(range(len(FORMULAS)))  # numbers stay numbers


def test_an_export_with_nul_in_names_and_ids_completes(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import polars as pl
        from pathlib import Path
        from tests.support.report_sessions import NOW, small_sessions
        from webinar_insights.report import build_report

        sessions = small_sessions().with_columns(
            host_user_id=pl.col("host_user_id") + "\\x00x",
            webinar_title=pl.lit("Town\\x00Hall\\x1b[0m"),
            host_name=pl.lit("Eve\\x07"),
        )
        report = build_report(sessions, now=NOW)
        written = report.export_data(Path({str(tmp_path / "out")!r}))
        print(len(written))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = tmp_path / "out"
    assert (out / "explore.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    csv_text = (out / "sessions.csv").read_text(encoding="utf-8")
    assert "\x00" not in csv_text and "Town\ufffdHall\ufffd[0m" in csv_text
    assert "\x00" not in (out / "explore.svg").read_text(encoding="utf-8")
    # Parquet keeps every value as it was.
    sessions = pl.read_parquet(out / "sessions.parquet")
    assert sessions["host_user_id"].str.ends_with("\x00x").all()
    assert_frame_equal(
        pl.read_csv(out / "sessions.csv").select("session_id"), sessions.select("session_id")
    )


def test_save_chart_survives_control_characters_in_any_text(tmp_path: Path) -> None:
    """A notebook calling save_chart on a chart with a NUL in a title or a label: vl-convert
    would abort the process (the kernel); save_chart renders U+FFFD instead. In a subprocess, so
    a regression cannot take pytest down with it."""
    script = textwrap.dedent(
        f"""
        import altair as alt, polars as pl
        from webinar_insights.charts import save_chart
        data = pl.DataFrame({{"host": ["a\\x00b", "c\\x1bd"], "n": [1, 2]}})
        chart = alt.Chart(data).mark_bar().encode(x="host:N", y="n:Q").properties(title="T\\x00")
        for suffix in (".svg", ".png"):
            save_chart(chart, {str(tmp_path)!r} + "/chart" + suffix)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    svg = (tmp_path / "chart.svg").read_text(encoding="utf-8")
    assert "\x00" not in svg and "\ufffd" in svg
    assert (tmp_path / "chart.png").read_bytes()[:4] == b"\x89PNG"
