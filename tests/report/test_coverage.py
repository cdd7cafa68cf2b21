"""Comparisons against the previous period only where the store covers it (issue 17)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support.report_sessions import NOW, record, with_registrants
from webinar_insights import frames, metrics
from webinar_insights.report import build_report
from webinar_insights.report._coverage import default_range, uncovered
from webinar_insights.store import synced_ranges


def _sync(
    start: str, end: str, depth: str = "registrants", *, finished: bool = True
) -> dict[str, Any]:
    return {
        "started": "2026-04-02T10:00:00+00:00",
        "finished": "2026-04-02T10:05:00+00:00" if finished else None,
        "start": f"{start}T00:00:00+00:00",
        "end": f"{end}T00:00:00+00:00",
        "depth": depth,
        "requests": 10,
    }


def _quarter_sessions() -> Any:
    """Q1 2026 with 78 sessions' worth of growth would need many rows: 4 sessions in Q1, 2 in
    the quarter before (one in October, one in December)."""
    rows = [
        record("q1", start=datetime(2026, 1, 12, 15, tzinfo=UTC), attendees=40),
        record("q2", start=datetime(2026, 2, 9, 15, tzinfo=UTC), attendees=30),
        record("q3", start=datetime(2026, 3, 2, 15, tzinfo=UTC), attendees=20),
        record("q4", start=datetime(2026, 3, 23, 15, tzinfo=UTC), attendees=10),
        record("p1", start=datetime(2025, 10, 20, 15, tzinfo=UTC), attendees=25),
        record("p2", start=datetime(2025, 12, 1, 15, tzinfo=UTC), attendees=25),
    ]
    counts = {"q1": 50, "q2": 50, "q3": 50, "q4": 50, "p1": 50, "p2": 50}
    return with_registrants(frames.sessions_frame(rows), counts)


def _q1(syncs: list[dict[str, Any]]) -> Any:
    return build_report(
        _quarter_sessions(),
        start="2026-01-01",
        end="2026-03-31",
        now=datetime(2026, 4, 2, 12, tzinfo=UTC),
        provenance={"syncs": syncs, "windows": []},
    )


def _without_scripts(document: str) -> str:
    """The document as read (the filter bar's script spells every phrase it may write)."""
    return re.sub(r"<script[^>]*>.*?</script>", "", document, flags=re.S)


def test_partial_previous_period_withholds_every_comparison_with_its_reason() -> None:
    built = _q1([_sync("2025-11-01", "2026-04-01")])
    reason = "store starts 2025-11-01; previous period 2025-10-03..2025-12-31 is 32% uncovered"
    assert built.previous_start == datetime(2025, 10, 3, tzinfo=UTC)
    assert set(built.withheld) == set(metrics.KPIS)
    assert built.withheld["sessions"] == reason
    assert built.withheld["attendance_rate"] == reason.replace(
        "store starts", "store's registrant lists start"
    )
    document = built.to_html()
    card = f'<div class="kpi-change withheld" title="no comparison: {reason}">no comparison</div>'
    assert card in document  # the reason once, below the cards, and on each card's tooltip
    note = re.search(r'<p class="subtle" id="withheld-note">([^<]*)</p>', document)
    assert note is not None
    assert "No comparison with the previous period for Sessions, Finished sessions" in note[1]
    assert f": {reason}." in note[1]
    assert "vs previous" not in _without_scripts(document)
    assert "previous period" not in re.search(r'id="summary">([^<]*)<', document)[1]
    assert any(reason in note for note in built.notes)
    summary = built.summary()
    assert f"no comparison: {reason}" in summary and "vs previous" not in summary
    assert "Data coverage (UTC): sessions and registrants 2025-11-01..2026-04-01" in document


def test_full_coverage_shows_the_comparison() -> None:
    built = _q1([_sync("2025-09-01", "2026-04-01", "participants")])
    assert dict(built.withheld) == {}
    document = built.to_html()
    assert "no comparison" not in _without_scripts(document)
    change = "+2 (+100%) vs previous (2)"
    assert f'<div class="kpi-change flat" title="{change}">{change}</div>' in document
    assert "attendance rate" in built.summary()
    assert "vs previous (50.0%)" in built.summary()


def test_a_comparison_counts_only_at_the_depth_synced() -> None:
    built = _q1([_sync("2025-09-01", "2026-04-01", "sessions"), _sync("2026-01-01", "2026-04-01")])
    assert "sessions" not in built.withheld
    people = {"people_reached", "repeat_attendee_share"}  # no sync at depth participants
    assert set(built.withheld) == {"registrants", "attendance_rate", "no_show_rate", *people}
    assert built.withheld["attendance_rate"].startswith(
        "store's registrant lists start 2026-01-01; previous period 2025-10-03..2025-12-31 is 100%"
    )


def test_an_unfinished_sync_covers_nothing() -> None:
    built = _q1([_sync("2025-09-01", "2026-04-01", finished=False)])
    assert built.withheld["sessions"] == "the store records no finished sync"


def test_synced_ranges_merge_and_count_down_the_depths_only() -> None:
    ranges = synced_ranges(
        [
            _sync("2026-01-01", "2026-02-01", "participants"),
            _sync("2026-02-01", "2026-03-01", "sessions"),
            _sync("2025-06-01", "2025-07-01", "registrants", finished=False),
        ]
    )
    day = lambda text: datetime.fromisoformat(text).replace(tzinfo=UTC)  # noqa: E731
    assert ranges["sessions"] == ((day("2026-01-01"), day("2026-03-01")),)
    assert (
        ranges["registrants"] == ranges["participants"] == ((day("2026-01-01"), day("2026-02-01")),)
    )
    assert uncovered(ranges["sessions"], day("2025-12-01"), day("2026-03-01")) == timedelta(days=31)


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        ("2025-10-01", ("2026-08-03", "2026-11-01")),  # 90 days, the 90 before covered too
        ("2026-09-01", ("2026-10-02", "2026-11-01")),  # less than 180 days: the later half
    ],
)
def test_default_range_is_the_last_covered_days_with_their_previous_period(
    first: str, expected: tuple[str, str]
) -> None:
    day = lambda text: datetime.fromisoformat(text).replace(tzinfo=UTC)  # noqa: E731
    ranges = synced_ranges([_sync(first, "2027-01-31")])["sessions"]
    assert default_range(ranges, now=NOW, time_zone="UTC") == (day(expected[0]), day(expected[1]))
    assert default_range((), now=NOW, time_zone="UTC") is None


def test_a_last_sync_after_the_report_s_clock_is_said_to_be_by_the_wall_clock() -> None:
    from webinar_insights.store import coverage_line

    provenance = {"syncs": [_sync("2025-09-01", "2026-04-01")], "windows": []}
    synced = synced_ranges(provenance["syncs"])
    sync_end = datetime(2026, 4, 2, 10, 5, tzinfo=UTC)
    later = coverage_line(provenance, synced, as_of=sync_end + timedelta(hours=1))
    assert later.endswith("last sync finished 2026-04-02 10:05 UTC.")
    earlier = coverage_line(provenance, synced, as_of=datetime(2026, 3, 1, 12, tzinfo=UTC))
    assert earlier.endswith(
        "last sync finished 2026-04-02 10:05 UTC by the wall clock, after the report's own"
        " clock (2026-03-01 12:00 UTC)."
    )
