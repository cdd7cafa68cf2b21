"""A session status the API spec does not list (kept as text by the frames) in the report: a
status filter choice of its own, and a colour of its own in the charts coloured by status."""

from __future__ import annotations

import json
from datetime import timedelta

import polars as pl

from tests.support.synthetic import NOW, sessions
from webinar_insights import theme
from webinar_insights.report import build_report
from webinar_insights.schemas import SESSION_STATUS

STATUSES = [*SESSION_STATUS.categories.to_list(), "Cancelled"]


def with_cancelled(frame: pl.DataFrame) -> pl.DataFrame:
    """Every fifth past session of ``frame`` Cancelled, as a later API might say."""
    cancelled = (pl.int_range(pl.len()) % 5 == 0) & (pl.col("scheduled_start") < NOW)
    return frame.with_columns(
        status=pl.when(cancelled)
        .then(pl.lit("Cancelled"))
        .otherwise(pl.col("status").cast(pl.String))
        .cast(pl.Enum(STATUSES))
    )


def scale_of(spec: object) -> dict[str, list[str]] | None:
    """The first colour scale over the ``status`` field found in a chart spec."""
    if isinstance(spec, dict):
        if spec.get("field") == "status" and isinstance(spec.get("scale"), dict):
            return spec["scale"]  # type: ignore[no-any-return]
        for value in spec.values():
            if (found := scale_of(value)) is not None:
                return found
    if isinstance(spec, list):
        for value in spec:
            if (found := scale_of(value)) is not None:
                return found
    return None


def test_a_status_the_spec_does_not_list_is_a_choice_and_a_colour_of_its_own() -> None:
    frame = with_cancelled(sessions(200))
    report = build_report(frame, now=NOW, start=NOW - timedelta(days=20), end=NOW)
    assert report.filtering["statuses"] == STATUSES
    codes = report.filtering["columns"]["status"]
    assert STATUSES.index("Cancelled") in codes and None not in codes
    html = report.to_html()
    assert 'name="status" value="3" checked> Cancelled</label>' in html
    by_key = {chart.key: chart.chart for chart in report.charts}
    for key in ("status-timeline", "explore"):
        scale = scale_of(by_key[key].to_dict())
        assert scale is not None, key
        assert scale["domain"][:4] == STATUSES, key
        colour = scale["range"][3]
        assert colour not in theme.STATUS_COLORS.values(), key
    assert json.dumps(by_key["status-timeline"].to_dict()).count('"Cancelled"') >= 1
