"""The session pages inside the report: which sessions get one, and what each page holds,
checked by hand on small frames."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl

from tests.support.report_sessions import NOW, record, small_sessions, with_registrants
from webinar_insights import frames, metrics
from webinar_insights.report import build_report
from webinar_insights.report._pages import (
    JOIN_MINUTES,
    PAGE_SESSIONS,
    page_link,
    page_session_ids,
    session_pages,
)

START = datetime(2026, 10, 5, 15, tzinfo=UTC)


def one_session() -> pl.DataFrame:
    """A Finished session scheduled at START for 60 minutes, live 3 minutes late for 65."""
    sessions = frames.sessions_frame([record("s1", start=START, delay=3, ran=65, attendees=3)])
    return metrics.session_metrics(with_registrants(sessions, {"s1": 4}))


def people() -> tuple[pl.DataFrame, pl.DataFrame]:
    live = START + timedelta(minutes=3)
    participants = pl.DataFrame(
        {
            "session_id": ["s1"] * 5,
            "role": ["Attendee", "Attendee", "Attendee", "Attendee", "Panelist"],
            "join_time": [
                live - timedelta(minutes=30),  # early: counted at the first minute shown
                live + timedelta(seconds=20),
                live + timedelta(minutes=2, seconds=5),
                None,  # never joined: not counted
                live,  # a panelist: not an attendee
            ],
        }
    )
    registrants = pl.DataFrame(
        {
            "registrant_id": ["r1", "r2", "r3", "r4", "r5"],
            "session_id": ["s1"] * 5,
            "registration_time": [
                START - timedelta(days=9, hours=1),
                START - timedelta(days=2, hours=5),
                START - timedelta(hours=3),
                START - timedelta(days=90),  # earlier than 60 days: counted on day 60
                START + timedelta(days=1),  # on demand: left out
            ],
            "source": ["Email", "Email", None, "LinkedIn", "Email"],
            "participant_id": ["p1", None, "p3", None, None],
            "attended": [True, False, True, False, False],
            "registered_post_webinar": [False, False, False, False, True],
        }
    )
    return participants, registrants


def test_a_page_holds_the_sessions_values_computed_by_hand() -> None:
    sessions = one_session()
    participants, registrants = people()
    pages = session_pages(
        sessions,
        ["s1"],
        time_zone="Europe/Berlin",
        now=NOW,
        retention=None,
        participants=participants,
        registrants=registrants,
    )
    page = pages["s1"]
    facts = dict(page["facts"])
    assert facts["Scheduled (Europe/Berlin)"] == "2026-10-05 17:00"
    assert facts["Went live (Europe/Berlin)"] == "2026-10-05 17:03"
    assert (facts["Start delay"], facts["Ran for"], facts["Overrun"]) == (
        "+3.0 min",
        "65.0 min",
        "+5.0 min",
    )
    assert page["schedule"] == [
        {"window": "Scheduled", "from": 0.0, "to": 60.0},
        {"window": "Ran", "from": 3.0, "to": 68.0},
    ]
    low, high = JOIN_MINUTES
    joins = page["joins"]
    assert len(joins) == high - low + 1 and sum(joins) == 3
    assert (joins[0], joins[-low], joins[2 - low]) == (1, 1, 1)  # early, minute 0, minute 2
    # Days before the start: r3 on day 0, r2 on day 2, r1 on day 9, r4 (90 days) on day 60.
    registered = page["registrations"]
    assert len(registered) == 61
    assert {day: n for day, n in enumerate(registered) if n} == {0: 1, 2: 1, 9: 1, 60: 1}
    assert page["channels"] == [["Email", 2, 1], ["(no source)", 1, 1], ["LinkedIn", 1, 0]]
    assert page["retention"] is None and page["notes"] == []


def test_pages_without_people_say_what_is_missing() -> None:
    sessions = one_session()
    page = session_pages(
        sessions, ["s1"], time_zone="UTC", now=NOW, retention=None, participants=None,
        registrants=None,
    )["s1"]  # fmt: skip
    assert (page["joins"], page["registrations"], page["channels"]) == (None, None, None)
    assert any("Participants were not synced" in note for note in page["notes"])
    assert any("Registrants were not synced" in note for note in page["notes"])


def test_an_active_sessions_live_window_runs_to_the_report_clock() -> None:
    sessions = frames.sessions_frame(
        [record("a1", start=NOW - timedelta(minutes=30), delay=2, status="Active")]
    )
    page = session_pages(
        metrics.session_metrics(sessions), ["a1"], time_zone="UTC", now=NOW, retention=None,
        participants=None, registrants=None,
    )["a1"]  # fmt: skip
    assert page["schedule"][1] == {"window": "Live", "from": 2.0, "to": 30.0}


def test_the_sessions_in_the_tables_come_first_then_active_then_nearest_to_now() -> None:
    sessions = small_sessions()  # s6 is Active; s7 is scheduled after NOW
    ids = page_session_ids(sessions, shown=["s3", "s1", "s3"], now=NOW)
    assert ids[:3] == ["s3", "s1", "s6"]
    assert sorted(ids) == sorted(sessions["session_id"])
    rest = sessions.filter(~pl.col("session_id").is_in(["s3", "s1", "s6"]))
    nearest = rest.with_columns(d=(pl.col("scheduled_start") - NOW).abs()).sort("d", "session_id")
    assert ids[3:] == nearest["session_id"].to_list()


def test_at_most_the_cap_of_sessions_get_a_page() -> None:
    records = [
        record(f"x{i:04d}", start=START + timedelta(hours=i)) for i in range(PAGE_SESSIONS + 40)
    ]
    report = build_report(frames.sessions_frame(records), now=NOW)
    assert len(report.pages) == PAGE_SESSIONS
    html = report.to_html()
    assert html.count('class="session-link"') == len(
        set(report.frames["top_sessions"]["session_id"])
        | set(report.frames["bottom_sessions"]["session_id"])
    ) + min(30, report.frames["anomalies"].height)
    assert page_link("a b/c?") == "#session-a%20b%2Fc%3F"
