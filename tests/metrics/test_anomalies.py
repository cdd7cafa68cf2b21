"""anomalies(): each rule and the series' usual attendance."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.metrics_frames import (
    BASE,
    MIN,
    finished,
    participants,
    person,
    record,
    sessions,
)
from webinar_insights import metrics
from webinar_insights.errors import DataWarning


def test_anomalies_each_rule() -> None:
    day = timedelta(days=1)
    frame = metrics.session_metrics(
        sessions(
            finished("late-high", delay=20 * MIN, scheduled=BASE),
            finished("late-medium", delay=12 * MIN, scheduled=BASE + day),  # ≤ 3 × 5
            finished("overrun-medium", ran=80 * MIN, scheduled=BASE + 2 * day),
            finished("overrun-high", ran=110 * MIN, scheduled=BASE + 3 * day),
            finished("empty", attendees=0, scheduled=BASE + 4 * day, webinar="w2"),
            finished("walk-ins", attendees=12, scheduled=BASE + 5 * day),
            finished("no-recording", recording="Failed", scheduled=BASE + 6 * day),
            record("fallback", start=BASE + 7 * day + MIN, scheduled=BASE + 7 * day),
            finished("fine", attendees=5, scheduled=BASE + 8 * day),
            record("planned", "Scheduled", scheduled=BASE + 9 * day, attendees=0),
            registrant_counts={"empty": 10, "walk-ins": 10, "fine": 10, "planned": 10},
        )
    )
    with pytest.warns(DataWarning):
        bad = participants(
            "fine",
            person("p7", BASE + 9 * MIN, BASE + 8 * MIN),
            person("p8", BASE + 9 * MIN, BASE + 9 * MIN),  # no time in session, but no bad data
        )
    found = metrics.anomalies(frame, participants=bad)
    assert found.schema == metrics.ANOMALIES
    assert found.select("session_id", "kind", "severity").rows() == [
        ("late-high", "late_start", "high"),
        ("late-medium", "late_start", "medium"),
        ("overrun-medium", "overrun", "medium"),
        ("overrun-high", "overrun", "high"),
        ("empty", "no_attendees", "high"),
        ("walk-ins", "attendance_above_1", "low"),
        ("no-recording", "recording_failed", "high"),
        ("fallback", "no_broadcast_times", "low"),
        ("fine", "leave_before_join", "low"),
    ]
    reasons = dict(zip(found.get_column("session_id"), found.get_column("reason"), strict=True))
    assert reasons["late-high"] == "Started 20.0 min after its scheduled start (threshold 5 min)."
    assert reasons["overrun-high"] == (
        "Ran 50.0 min longer than its scheduled 60.0 min (threshold 15 min)."
    )
    assert "0 attendees although 10 people registered" in reasons["empty"]
    assert "broadcasting start and end times" in reasons["fallback"]
    assert reasons["fine"].startswith("1 participant(s) left before they joined")
    assert "p7" in reasons["fine"]
    stricter = metrics.anomalies(frame, late_after=timedelta(minutes=13))
    assert "late-medium" not in stricter.get_column("session_id").to_list()


def test_anomalies_below_the_series_usual() -> None:
    rates = {"a": 1, "b": 6, "c": 7, "d": 8, "e": 1, "f": 9}
    frame = metrics.session_metrics(
        sessions(
            *(finished(s, attendees=n, webinar="w1") for s, n in rates.items() if s < "e"),
            *(finished(s, attendees=n, webinar="w2") for s, n in rates.items() if s >= "e"),
            registrant_counts=dict.fromkeys(rates, 10),
        )
    )
    found = metrics.anomalies(frame)
    # a: 0.1 < 0.5 × median(0.6, 0.7, 0.8); w2 has only two sessions, too few to judge.
    assert found.select("session_id", "kind", "severity").rows() == [
        ("a", "below_usual_attendance", "medium")
    ]
    assert found.item(0, "reason") == (
        "Attendance rate 10% is below half its series' usual 70% (median of its 3 other sessions)."
    )
    assert metrics.anomalies(frame, below_usual=0.1).height == 0
    stricter = metrics.anomalies(frame, below_usual=0.25)
    assert stricter.item(0, "reason").startswith(
        "Attendance rate 10% is below 25% of its series' usual 70%"
    )


def test_anomaly_reasons_write_shares_in_percent_and_counts_with_separators() -> None:
    frame = metrics.session_metrics(
        sessions(
            finished("walk-ins", attendees=1500, scheduled=BASE),
            finished("empty", attendees=0, scheduled=BASE + MIN * 120),
            registrant_counts={"walk-ins": 1200, "empty": 31132},
        )
    )
    reasons = dict(metrics.anomalies(frame).select("session_id", "reason").iter_rows())
    assert reasons["walk-ins"].startswith(
        "Attendance rate 125%: 1,500 attendees for 1,200 registrants"
    )
    assert reasons["empty"] == "Finished with 0 attendees although 31,132 people registered."
