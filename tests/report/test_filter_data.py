"""The filter bar's data (``report._filter.filter_data``), checked by hand on the small
report: eight sessions in October 2026 and two in September, read in Europe/Berlin (whose
clocks go back on 25 October)."""

from __future__ import annotations

import base64
import gzip
import itertools
import json
import re
from datetime import timedelta
from typing import Any

import polars as pl

from tests.support.report_sessions import small_report
from webinar_insights import metrics
from webinar_insights.report import _filter


def _rows(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each session's row by id (previous-period rows by their minute)."""
    columns = data["columns"]
    count = len(columns["current"])
    rows = [{name: values[i] for name, values in columns.items()} for i in range(count)]
    return {row["id"] or f"previous@{row['minute']}": row for row in rows}


def test_days_are_local_midnights_across_the_clock_change() -> None:
    data = dict(small_report().filtering)
    assert data["zone"] == "Europe/Berlin"
    assert data["origin"] == "2026-08-31"  # the previous period's first day
    midnights = data["midnights"]
    assert len(midnights) == 63  # 31 August to 1 November
    steps = [b - a for a, b in itertools.pairwise(midnights)]
    assert steps.count(1500) == 1 and steps[55] == 1500  # 25 October has 25 hours
    assert set(steps) == {1440, 1500}
    assert data["start"] == midnights[31]  # 1 October
    assert data["end"] == midnights[62]  # 1 November, the range's end


def test_one_row_per_session_of_the_range_and_of_the_period_before() -> None:
    data = dict(small_report().filtering)
    rows = _rows(data)
    assert sorted(k for k in rows if not k.startswith("previous")) == [
        "s1",
        "s2",
        "s3",
        "s4",
        "s5",
        "s6",
    ]
    assert sum(data["columns"]["current"]) == 6
    assert len(rows) == 8  # p1 and p2, unnamed: no table lists them
    s1, s2, s6 = rows["s1"], rows["s2"], rows["s6"]
    # 5 October 15:00 UTC is 17:00 in Berlin (summer time), day 35 of the filter.
    assert s1["minute"] == data["midnights"][35] + 17 * 60
    assert isinstance(data["titles"][s1["title"]], str)
    assert data["webinars"][s1["webinar"]][1] == "Product Update"
    assert data["statuses"][s1["status"]] == "Finished"
    assert (s1["registrants"], s1["attendees"], s1["rated"]) == (50, 40, 1)
    assert (s1["delay"], s1["late"]) == (120.0, 0)
    assert (s2["delay"], s2["late"]) == (720.0, 1)
    assert s1["duration"] == 3600.0
    assert (data["statuses"][s6["status"]], s6["registrants"], s6["rated"]) == ("Active", None, 0)
    assert s6["overran"] is None  # not Finished
    assert rows["s3"]["overran"] == 1  # ran 95 minutes of 60
    hosts = {data["hosts"][row["host"]] for row in rows.values()}
    assert len(hosts) == 3


def test_the_page_gets_the_data_compressed_and_hosts_pseudonymised_when_asked() -> None:
    report = small_report(pseudonymize_hosts=True)
    block = re.search(
        r'<script type="application/octet-stream" id="filter-data"'
        r' data-encoding="gzip\+base64">([^<]*)</script>',
        report.to_html(),
    )
    assert block is not None
    data = json.loads(gzip.decompress(base64.b64decode(block.group(1))))
    assert data == json.loads(json.dumps(dict(report.filtering)))
    assert sorted(data["hosts"]) == ["Host 1", "Host 2", "Host 3"]
    assert "Lovelace" not in json.dumps(data) and "u1" not in data["hosts"]


def test_charts_from_people_get_each_sessions_values_up_to_a_limit(monkeypatch: Any) -> None:
    rows = pl.DataFrame({"session_id": ["p1", "s1", "s2"]})  # row order of the filter's table
    funnel = pl.DataFrame(
        {"session_id": ["s2", "s1"], "registered": [5, 3], "joined": [4, 2], "stayed": [1, 2]},
        schema=metrics.SESSION_FUNNEL,
    )
    leads = pl.DataFrame(
        {
            "session_id": ["s1", "s2", "s1", "gone"],
            "registrant_id": ["r1", "r2", "r3", "r4"],
            "lead_time": [
                timedelta(days=2),
                timedelta(minutes=-10),
                timedelta(hours=1),
                timedelta(0),
            ],
            "lead_time_days": [2.0, -10 / 1440, 1 / 24, 0.0],
        },
        schema=metrics.LEAD_TIME,
    )
    curve = pl.DataFrame(
        {
            "session_id": ["s2", "s2", "s2", "s1"],
            "minute": [0, 1, 2, 0],
            "attendees_present": [1, 3, 0, 0],
            "share_present": [0.25, 0.75, 0.0, 0.0],
        },
        schema=metrics.RETENTION,
    )
    shipped = _filter._people_charts(rows, funnel, leads, curve)
    assert shipped["funnel"] == {
        "row": [1, 2],
        "registered": [3, 5],
        "joined": [2, 4],
        "stayed": [2, 1],
    }
    lead = shipped["lead_time"]
    assert sorted(zip(lead["row"], lead["us"], strict=True)) == [
        (1, 3_600_000_000),
        (1, 172_800_000_000),
        (2, -600_000_000),
    ]  # the registrant of a session not in the table is left out
    retention = shipped["retention"]
    assert retention["row"] == [1, 2] and retention["id"] == ["s1", "s2"]
    assert retention["present"] == [[0], [1, 3, 0]]
    assert retention["attendees"] == [1, 4]  # s1: nobody present, any denominator gives 0
    assert set(retention["templates"]) == {"one", "lines", "many"}
    assert (
        "layer" in retention["templates"]["many"] and "layer" not in retention["templates"]["one"]
    )
    assert _filter._people_charts(rows, None, None, None) == {}

    monkeypatch.setattr(_filter, "PEOPLE_VALUES_SHIPPED", 3)
    capped = _filter._people_charts(rows, funnel, leads, curve)
    assert capped["lead_time"] is False and capped["retention"] is False
    assert capped["funnel"] == shipped["funnel"]  # three counts a session: always carried


def test_the_reports_repr_leaves_out_the_pages_data() -> None:
    shown = repr(small_report())
    assert "midnights" not in shown and "facts" not in shown
    assert "Report(" in shown


def test_attendees_are_small_numbers_per_session_and_unknown_people_stand_alone(
    monkeypatch: Any,
) -> None:
    rows = pl.DataFrame({"session_id": ["p1", "s1", "s2"]})
    keys = pl.DataFrame(
        {
            "session_id": ["s1", "s1", "s2", "s2", "gone"],
            "person": [900, 5, 900, None, 7],
            "by_email": [False] * 5,
        },
        schema=metrics.ATTENDEE_KEYS,
    )
    shipped = _filter._attendees(rows, keys, None)
    assert shipped == {
        "current": True,
        "previous": False,
        "row": [1, 1, 2, 2],
        "person": [1, 0, 1, -1],  # 900 -> 1, 5 -> 0; an unknown attendee is -1
    }
    monkeypatch.setattr(_filter, "PEOPLE_VALUES_SHIPPED", 4)
    assert _filter._attendees(rows, keys, None) is False
