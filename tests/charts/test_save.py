"""save_chart: PNG and SVG files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from webinar_insights import charts, frames
from webinar_insights.errors import ConfigurationError


@pytest.mark.parametrize(
    ("suffix", "check"),
    [
        (".png", lambda data: data.startswith(b"\x89PNG\r\n\x1a\n")),
        (".svg", lambda data: data.lstrip().startswith(b"<svg")),
        (".SVG", lambda data: data.lstrip().startswith(b"<svg")),
    ],
)
def test_save_chart(
    suffix: str, check: Callable[[bytes], bool], sessions: pl.DataFrame, tmp_path: Path
) -> None:
    target = tmp_path / f"delay{suffix}"
    written = charts.save_chart(charts.start_delay_chart(sessions, min_sessions=1), target)
    assert written == target
    data = target.read_bytes()
    assert len(data) > 1_000
    assert check(data)


def test_save_chart_renders_the_no_data_chart(tmp_path: Path) -> None:
    target = charts.save_chart(
        charts.overrun_chart(frames.sessions_frame([])), tmp_path / "empty.svg"
    )
    assert "No data" in target.read_text()


def test_save_chart_rejects_other_suffixes(sessions: pl.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"\.png or \.svg"):
        charts.save_chart(charts.overrun_chart(sessions), tmp_path / "chart.jpg")
    assert not (tmp_path / "chart.jpg").exists()
