"""Audience metrics: channels, new and returning people, series cohorts, attendance frequency,
top attendees and on-demand sign-ups, by hand on small frames and as invariants of a
simulated program."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.support.metrics_frames import (
    BASE,
    MIN,
    finished,
    iso,
    participants,
    person,
    record,
    registrants,
    sessions,
    utc,
)
from webinar_insights import Client, Store, metrics, sync
from webinar_insights.errors import ConfigurationError
from webinar_insights.simulator import Simulator, SimulatorConfig

BERLIN = ZoneInfo("Europe/Berlin")
DAY = timedelta(days=1)
MAY_END = utc(2024, 5, 31, 23)  # already 1 June (01:00) in Berlin
JUNE = utc(2024, 6, 10, 18)


def attendee(
    participant_id: str,
    user: str | None = None,
    *,
    email: str | None = None,
    joined: datetime | None = None,
    first: str | None = None,
    last: str | None = None,
    role: str = "Attendee",
) -> dict[str, Any]:
    """A participant record told apart by ``user`` (the API's hash), else ``email``."""
    found: dict[str, Any] = {"id": participant_id, "role": role}
    for key, value in (
        ("uniqueUserHash", user),
        ("email", email),
        ("firstName", first),
        ("lastName", last),
        ("joinTime", None if joined is None else iso(joined)),
    ):
        if value is not None:
            found[key] = value
    return found


def hashes(session_id: str, *users: str, webinar_id: str = "w1") -> pl.DataFrame:
    """The participants of a session: one attendee per user hash."""
    return participants(
        session_id,
        *(attendee(f"{session_id}-{user}", user) for user in users),
        webinar_id=webinar_id,
    )


def channel_frames() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    frame = metrics.session_metrics(
        sessions(
            finished("s1", scheduled=MAY_END, webinar="w1"),
            finished("s2", scheduled=JUNE, webinar="w2"),
            finished("s3", scheduled=JUNE, webinar="w2"),  # no registrants: no row anywhere
        )
    )
    partner = [
        {"id": f"q{i}", "source": "Partner", **({"participantId": f"pq{i}"} if i < 10 else {})}
        for i in range(30)
    ]
    people = pl.concat(
        [
            registrants(
                "s1",
                {"id": "r1", "source": "Email", "participantId": "p1"},
                {"id": "r2", "source": "Email"},
                {"id": "r3"},  # no source; joined, linked from the participant's side only
                {"id": "r4", "source": "  "},  # a blank source is no source
                {"id": "r5", "source": "Email", "registeredPostWebinar": True},  # not live
                {"id": "r6", "source": "LinkedIn", "participantId": "p6"},
            ),
            registrants(
                "s2",
                {"id": "r7", "source": "Email", "participantId": "p7"},
                {"id": "r8", "source": "LinkedIn"},
                *partner,
            ),
            registrants("s9", {"id": "r9", "source": "Email", "participantId": "p9"}),
        ]
    )
    visits = pl.concat(
        [
            participants(
                "s1",
                person("p1", BASE, BASE + 30 * MIN),
                person("p3", BASE, BASE + 5 * MIN, registrant_id="r3"),
                person("p6", BASE, BASE + MIN),
                person("walk-in", BASE, BASE + 60 * MIN),  # no registration: no channel
            ),
            participants("s2", person("p7", BASE, BASE + MIN), webinar_id="w2"),
        ]
    )
    return frame, people, visits


def channels(*rows: tuple[Any, ...], group: dict[str, pl.DataType] | None = None) -> pl.DataFrame:
    """Expected channel rows: (group…, channel, registered, joined); rate and flag computed."""
    schema = {**(group or {}), **metrics.CHANNELS}
    width = len(group or {})
    full = [
        (*row, row[width + 2] / row[width + 1], row[width + 1] < metrics.SMALL_SAMPLE)
        for row in rows
    ]
    return pl.DataFrame(full, schema=schema, orient="row")


TOTAL = [("Partner", 30, 10), ("Email", 3, 2), (metrics.UNKNOWN_CHANNEL, 2, 1), ("LinkedIn", 2, 1)]
FIRST = [(metrics.UNKNOWN_CHANNEL, 2, 1), ("Email", 2, 1), ("LinkedIn", 1, 1)]  # s1, w1
SECOND = [("Partner", 30, 10), ("Email", 1, 1), ("LinkedIn", 1, 0)]  # s2, w2


def test_channel_summary_by_hand() -> None:
    frame, people, visits = channel_frames()
    result = metrics.channel_summary(frame, people, visits)
    assert_frame_equal(result, channels(*TOTAL))
    assert metrics.UNKNOWN_CHANNEL == "(no source)"
    # Ties on registered fall by channel; 30 registrants are no longer a small sample.
    assert result.get_column("small_sample").to_list() == [False, True, True, True]


def test_channel_summary_by_webinar_session_and_period_in_two_zones() -> None:
    frame, people, visits = channel_frames()
    webinar = {"webinar_id": pl.String()}
    assert_frame_equal(
        metrics.channel_summary(frame, people, visits, by="webinar"),
        channels(
            *(("w1", *row) for row in FIRST), *(("w2", *row) for row in SECOND), group=webinar
        ),
    )
    # s1 is w1's only session and s2 w2's: per session the same rows (what the report's
    # filter bar sums again).
    assert_frame_equal(
        metrics.channel_summary(frame, people, visits, by="session"),
        channels(
            *(("s1", *row) for row in FIRST),
            *(("s2", *row) for row in SECOND),
            group={"session_id": pl.String()},
        ),
    )
    utc_period = {"period": pl.Datetime("us", "UTC")}
    may, june = utc(2024, 5, 1), utc(2024, 6, 1)
    assert_frame_equal(
        metrics.channel_summary(frame, people, visits, by="period"),
        channels(
            *((may, *row) for row in FIRST), *((june, *row) for row in SECOND), group=utc_period
        ),
    )
    # s1 starts at 01:00 on 1 June in Berlin: both sessions fall in June there.
    berlin = metrics.channel_summary(
        frame, people, visits, by="period", every="1mo", time_zone="Europe/Berlin"
    )
    assert_frame_equal(
        berlin,
        channels(
            *((datetime(2024, 6, 1, tzinfo=BERLIN), *row) for row in TOTAL),
            group={"period": pl.Datetime("us", "Europe/Berlin")},
        ),
    )


def test_channels_add_up_to_the_funnel() -> None:
    frame, people, visits = channel_frames()
    funnel = metrics.session_funnel(frame, people, visits).select(
        pl.col("registered", "joined").sum()
    )
    for by in (None, "webinar", "period", "session"):
        summed = metrics.channel_summary(frame, people, visits, by=by).select(
            pl.col("registered", "joined").sum()
        )
        assert_frame_equal(summed, funnel)
    assert funnel.row(0) == (37, 14)


def new_vs_returning_frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    frame = metrics.session_metrics(
        sessions(
            finished("s4", scheduled=utc(2024, 2, 5, 18)),  # the same moment as s3: s3 first
            finished("s1", scheduled=utc(2024, 1, 10, 18)),
            finished("s2", scheduled=utc(2024, 1, 31, 23, 30)),  # 1 February 00:30 in Berlin
            finished("s3", scheduled=utc(2024, 2, 5, 18)),
            record("s5", "Scheduled", scheduled=utc(2024, 3, 1)),  # no one yet: no row
        )
    )
    visits = pl.concat(
        [
            participants(
                "s1",
                attendee("1a", "ann"),
                attendee("1b", "bo"),
                attendee("1u"),  # neither hash nor e-mail: a person of their own
                attendee("1a'", "ann"),  # ann twice in one session counts once
                attendee("1h", "hal", role="Host"),  # not an attendee
            ),
            participants("s2", attendee("2a", "ann"), attendee("2c", email="Cy@x.org")),
            participants(
                "s3",
                attendee("3b", "bo"),
                attendee("3c", email=" cy@x.ORG "),
                attendee("3d", "dee"),
            ),
            participants("s4", attendee("4d", "dee"), attendee("4e", "eve")),
            participants("s9", attendee("9z", "zed")),  # not among the sessions
        ]
    )
    return frame, visits


def test_new_vs_returning_per_session_by_hand() -> None:
    frame, visits = new_vs_returning_frames()
    want = pl.DataFrame(
        {
            "session_id": ["s1", "s2", "s3", "s4"],
            "people": [3, 2, 3, 2],
            "new": [3, 1, 1, 1],  # s1: ann, bo, the unknown; s2: cy; s3: dee; s4: eve
            "returning": [0, 1, 2, 1],
            "returning_share": [0.0, 0.5, 2 / 3, 0.5],
        },
        schema=metrics.NEW_VS_RETURNING,
    )
    assert_frame_equal(metrics.new_vs_returning(frame, visits), want)


def test_new_vs_returning_per_period_in_utc_and_in_berlin() -> None:
    frame, visits = new_vs_returning_frames()
    in_utc = pl.DataFrame(
        {
            "period": [utc(2024, 1, 1), utc(2024, 2, 1)],
            "people": [4, 4],  # January: ann, bo, the unknown, cy; February: bo, cy, dee, eve
            "new": [4, 2],
            "returning": [0, 2],
            "returning_share": [0.0, 0.5],
        },
        schema=metrics.NEW_VS_RETURNING_PERIODS,
    )
    assert_frame_equal(metrics.new_vs_returning(frame, visits, every="1mo"), in_utc)
    in_berlin = pl.DataFrame(
        {
            "period": [datetime(2024, 1, 1, tzinfo=BERLIN), datetime(2024, 2, 1, tzinfo=BERLIN)],
            "people": [3, 5],  # s2 moves to February: ann comes back there, cy is new
            "new": [3, 3],
            "returning": [0, 2],
            "returning_share": [0.0, 0.4],
        },
        schema={**metrics.NEW_VS_RETURNING_PERIODS, "period": pl.Datetime("us", "Europe/Berlin")},
    )
    result = metrics.new_vs_returning(frame, visits, every="1mo", time_zone="Europe/Berlin")
    assert_frame_equal(result, in_berlin)


def cohort_frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    frame = metrics.session_metrics(
        sessions(
            finished("a3", webinar="wA", scheduled=BASE + 14 * DAY),
            finished("a1", webinar="wA", scheduled=BASE),
            finished("a2", webinar="wA", scheduled=BASE + 7 * DAY),
            finished("b1", webinar="wB", scheduled=BASE),
            finished("b2", webinar="wB", scheduled=BASE + 7 * DAY),
            finished("c1", webinar="wC", scheduled=BASE),
            record("c2", "Scheduled", webinar="wC", scheduled=BASE + 7 * DAY),  # not held yet
            finished("d1", webinar="wD", scheduled=BASE),  # one session: not a series
        )
    )
    visits = pl.concat(
        [
            pl.concat(
                [
                    hashes("a1", "ann", "bo", "cy", "dee", webinar_id="wA"),
                    participants("a1", attendee("a1-u"), webinar_id="wA"),  # never returns
                ]
            ),
            hashes("a2", "ann", "bo", "eve", webinar_id="wA"),
            hashes("a3", "ann", "eve", "fay", webinar_id="wA"),
            hashes("b1", "gil", "hal", webinar_id="wB"),
            hashes("b2", "gil", "ivy", "ann", webinar_id="wB"),  # ann is new to this series
            hashes("c1", "cy", webinar_id="wC"),
            hashes("d1", "ann", webinar_id="wD"),
        ]
    )
    return frame, visits


def cohorts(*rows: tuple[Any, ...], by_series: bool = False) -> pl.DataFrame:
    schema = metrics.SERIES_COHORTS if by_series else metrics.COHORTS
    full = [(*row, row[-1] / row[-2] if row[-2] else None) for row in rows]
    return pl.DataFrame(full, schema=schema, orient="row")


def test_series_cohorts_by_series_by_hand() -> None:
    frame, visits = cohort_frames()
    want = cohorts(
        ("wA", 1, 2, 5, 2),  # ann, bo, cy, dee and the unknown; ann and bo came to part 2
        ("wA", 1, 3, 5, 1),  # ann
        ("wA", 2, 3, 1, 1),  # eve
        ("wB", 1, 2, 2, 1),  # gil, hal; gil
        by_series=True,
    )
    assert_frame_equal(metrics.series_cohorts(frame, visits, by_series=True), want)


def test_series_cohorts_summed_count_only_series_that_held_the_later_part() -> None:
    frame, visits = cohort_frames()
    result = metrics.series_cohorts(frame, visits)
    # 1 -> 3 counts wA's five people only: wB has no part 3, so its people do not dilute it.
    assert_frame_equal(result, cohorts((1, 2, 7, 3), (1, 3, 5, 1), (2, 3, 1, 1)))
    assert result.filter(first_part=1, later_part=3)["share"].item() == 0.2


def test_series_cohorts_without_a_held_later_part_have_no_rows() -> None:
    frame, visits = cohort_frames()
    only_c = frame.filter(pl.col("webinar_id") == "wC")
    assert metrics.series_cohorts(only_c, visits).is_empty()
    held = only_c.with_columns(status=pl.lit("Finished").cast(only_c.schema["status"]))
    assert metrics.series_cohorts(held, visits).rows() == [(1, 2, 1, 0, 0.0)]


def test_attendance_frequency_adds_up_to_reach() -> None:
    _, visits = new_vs_returning_frames()
    result = metrics.attendance_frequency(visits)
    # once: the unknown, eve, zed; twice: ann, bo, cy (by e-mail), dee
    want = pl.DataFrame({"sessions_attended": [1, 2], "people": [3, 4]}, schema=metrics.FREQUENCY)
    assert_frame_equal(result, want)
    reached = metrics.reach(visits).row(0, named=True)
    assert result["people"].sum() == reached["people_reached"] == 7
    attendances = (result["sessions_attended"] * result["people"]).sum()
    assert attendances == reached["attendances"] == 11
    some = metrics.attendance_frequency(visits, session_ids=["s1", "s2"])
    assert some.rows() == [(1, 3), (2, 1)]


def top_frame() -> pl.DataFrame:
    at = BASE
    return pl.concat(
        [
            participants(
                "s1",
                attendee(
                    "1a", "ann", joined=at + 5 * MIN, first="Ann", last="Lee", email="a@x.org"
                ),
                attendee("1b", "bo", joined=at, first="Bo", last="Kim", email="bo@x.org"),
                attendee("1c", "cy", joined=at + MIN, first="Cy", last="Ng"),
                attendee("1d", "dee", joined=at + MIN, first="Dee", last="Roy"),
                attendee("1u", joined=at + 3 * MIN, first="Una"),  # a person of their own
            ),
            participants(
                "s2",
                attendee("2a", "ann", joined=at + DAY, first="Ann", last="Lee-Smith"),
                attendee("2b", "bo", joined=at + DAY, first="Bo", last="Kim"),
                attendee("2c", "cy", joined=at + DAY),
                attendee("2e", "eve", joined=at + DAY - MIN, first="Eve"),
            ),
            participants(
                "s3",
                attendee("3a", "ann", joined=at + 2 * DAY),  # no name: the one before holds
                attendee("3b", "bo", joined=at + 2 * DAY, email="bo@y.org"),
                attendee("3d", "dee", joined=at + 2 * DAY),
            ),
        ]
    )


def test_top_attendees_without_personal_data_hold_no_identity() -> None:
    frame = top_frame()
    result = metrics.top_attendees(frame)
    # bo and ann: 3 sessions, bo joined first; cy and dee: 2 sessions, the same first join;
    # then the unknown (joined at 18:03 on day one) before eve (day two).
    want = pl.DataFrame(
        {"rank": [1, 2, 3, 4, 5, 6], "sessions_attended": [3, 3, 2, 2, 1, 1]},
        schema=metrics.TOP_ATTENDEES,
    )
    assert_frame_equal(result, want)
    assert_frame_equal(metrics.top_attendees(frame, n=2), want.head(2))
    assert_frame_equal(metrics.top_attendees(frame.reverse()), want)


def test_top_attendees_with_personal_data_and_ties_by_key() -> None:
    frame = top_frame()
    result = metrics.top_attendees(frame, personal=True)
    ids = {"Cy Ng": "1c", "Dee Roy": "1d"}  # the same sessions attended, the same first join

    def key(name: str) -> int:
        row = frame.filter(pl.col("participant_id") == ids[name])
        return int(metrics.attendee_keys(row).get_column("person")[0])

    tied = sorted(ids, key=key)  # the tie falls by the person's key, as attendee_keys has it
    want = pl.DataFrame(
        {
            "rank": [1, 2, 3, 4, 5, 6],
            "sessions_attended": [3, 3, 2, 2, 1, 1],
            "name": ["Bo Kim", "Ann Lee-Smith", *tied, "Una", "Eve"],
            "email": ["bo@y.org", "a@x.org", None, None, None, None],
        },
        schema=metrics.TOP_ATTENDEES_PERSONAL,
    )
    assert_frame_equal(result, want)
    assert_frame_equal(metrics.top_attendees(frame.reverse(), personal=True), want)


def test_top_attendees_with_personal_data_dropped_says_so() -> None:
    dropped = top_frame().drop("first_name", "last_name", "email")
    with pytest.raises(ConfigurationError, match="personal data was not synced or not kept"):
        metrics.top_attendees(dropped, personal=True)
    assert metrics.top_attendees(dropped, n=1).rows() == [(1, 3)]
    with pytest.raises(ConfigurationError, match="n must be a positive whole number"):
        metrics.top_attendees(dropped, n=0)


def test_on_demand_per_session_and_per_period() -> None:
    frame = metrics.session_metrics(
        sessions(
            finished("s1", scheduled=MAY_END),
            finished("s2", scheduled=JUNE),
            finished("s3", scheduled=JUNE),  # no registrants: no row
        )
    )
    people = pl.concat(
        [
            registrants(
                "s1",
                {"id": "r1"},
                {"id": "r2", "registeredPostWebinar": True},
                {"id": "r3", "registeredPostWebinar": False},
            ),
            registrants("s2", {"id": "r4", "registeredPostWebinar": True}),
            registrants("s9", {"id": "r9", "registeredPostWebinar": True}),  # not a session
        ]
    )
    assert_frame_equal(
        metrics.on_demand(frame, people),
        pl.DataFrame(
            [("s1", 2, 1, 1 / 3), ("s2", 0, 1, 1.0)], schema=metrics.ON_DEMAND, orient="row"
        ),
    )
    assert_frame_equal(
        metrics.on_demand(frame, people, every="1mo"),
        pl.DataFrame(
            [(utc(2024, 5, 1), 2, 1, 1 / 3), (utc(2024, 6, 1), 0, 1, 1.0)],
            schema=metrics.ON_DEMAND_PERIODS,
            orient="row",
        ),
    )
    berlin = metrics.on_demand(frame, people, every="1mo", time_zone="Europe/Berlin")
    assert berlin.rows() == [(datetime(2024, 6, 1, tzinfo=BERLIN), 2, 2, 0.5)]
    assert berlin.schema["period"] == pl.Datetime("us", "Europe/Berlin")


NOTHING = pl.DataFrame()
EMPTY: list[tuple[str, Callable[[], pl.DataFrame], pl.Schema]] = [
    ("channels", lambda: metrics.channel_summary(NOTHING, NOTHING, NOTHING), metrics.CHANNELS),
    (
        "channels by webinar",
        lambda: metrics.channel_summary(NOTHING, NOTHING, NOTHING, by="webinar"),
        pl.Schema({"webinar_id": pl.String(), **metrics.CHANNELS}),
    ),
    (
        "channels by period",
        lambda: metrics.channel_summary(
            NOTHING, NOTHING, NOTHING, by="period", time_zone="Europe/Berlin"
        ),
        pl.Schema({"period": pl.Datetime("us", "Europe/Berlin"), **metrics.CHANNELS}),
    ),
    ("new", lambda: metrics.new_vs_returning(NOTHING, NOTHING), metrics.NEW_VS_RETURNING),
    (
        "new per period",
        lambda: metrics.new_vs_returning(NOTHING, NOTHING, every="1w"),
        metrics.NEW_VS_RETURNING_PERIODS,
    ),
    ("cohorts", lambda: metrics.series_cohorts(NOTHING, NOTHING), metrics.COHORTS),
    (
        "series cohorts",
        lambda: metrics.series_cohorts(NOTHING, NOTHING, by_series=True),
        metrics.SERIES_COHORTS,
    ),
    ("frequency", lambda: metrics.attendance_frequency(NOTHING), metrics.FREQUENCY),
    ("top", lambda: metrics.top_attendees(NOTHING), metrics.TOP_ATTENDEES),
    (
        "top personal",
        lambda: metrics.top_attendees(NOTHING, personal=True),
        metrics.TOP_ATTENDEES_PERSONAL,
    ),
    ("on demand", lambda: metrics.on_demand(NOTHING, NOTHING), metrics.ON_DEMAND),
    (
        "on demand per period",
        lambda: metrics.on_demand(NOTHING, NOTHING, every="1d"),
        metrics.ON_DEMAND_PERIODS,
    ),
]


@pytest.mark.parametrize(("name", "call", "schema"), EMPTY, ids=[name for name, _, _ in EMPTY])
def test_empty_frames_give_empty_frames_of_the_schema(
    name: str, call: Callable[[], pl.DataFrame], schema: pl.Schema
) -> None:
    result = call()
    assert result.is_empty(), name
    assert result.schema == schema


def test_a_frame_lacking_a_needed_column_is_named() -> None:
    frame, people, visits = channel_frames()
    with pytest.raises(ConfigurationError, match="'source'"):
        metrics.channel_summary(frame, people.drop("source"), visits)
    raw = sessions(finished("s1"))
    with pytest.raises(ConfigurationError, match=r"'actual_start'.*session_metrics"):
        metrics.new_vs_returning(raw, visits)
    with pytest.raises(ConfigurationError, match="'webinar_id'"):
        metrics.series_cohorts(frame.drop("webinar_id"), visits)
    with pytest.raises(ConfigurationError, match="'unique_user_hash'"):
        metrics.attendance_frequency(visits.drop("unique_user_hash"))
    with pytest.raises(ConfigurationError, match="'join_time'"):
        metrics.top_attendees(visits.drop("join_time"))
    with pytest.raises(ConfigurationError, match="'registered_post_webinar'"):
        metrics.on_demand(frame, people.drop("registered_post_webinar"))


def test_bad_options_say_what_to_pass() -> None:
    frame, people, visits = channel_frames()
    with pytest.raises(ConfigurationError, match="by='host' is not known"):
        metrics.channel_summary(frame, people, visits, by="host")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="every must be a polars interval"):
        metrics.new_vs_returning(frame, visits, every="fortnight")
    with pytest.raises(ConfigurationError, match="unknown time zone"):
        metrics.on_demand(frame, people, every="1d", time_zone="Mars/Olympus")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[pl.DataFrame, ...]:
    """A simulated program (series of up to three sessions), synced with people."""
    now = datetime(2026, 11, 1, 12, tzinfo=UTC)
    sim = Simulator(
        SimulatorConfig(
            seed=11, scale=60, now=now, rate_limit_window=0.01, max_sessions_per_webinar=3
        )
    )
    store = Store(Path(tmp_path_factory.mktemp("audience")) / "store")
    with Client.simulator(simulator=sim, progress=False) as client:
        sync(client, store, start="2026-01-01", end="2026-10-31", depth="participants")
    frame = metrics.session_metrics(store.sessions())
    return frame, store.registrants(), store.participants()


def test_demo_invariants(demo: tuple[pl.DataFrame, ...]) -> None:
    frame, people, visits = demo
    ids = frame.get_column("session_id").to_list()
    funnel = metrics.session_funnel(frame, people, visits).select(
        pl.col("registered", "joined").sum()
    )
    for by in (None, "webinar", "period", "session"):
        counts = metrics.channel_summary(frame, people, visits, by=by)
        assert_frame_equal(counts.select(pl.col("registered", "joined").sum()), funnel)
    assert funnel.item(0, "registered") > 1000

    reached = metrics.reach(visits, ids).row(0, named=True)
    for every in (None, "1mo"):
        new = metrics.new_vs_returning(frame, visits, every=every, time_zone="Europe/Berlin")
        assert (new["new"] + new["returning"] == new["people"]).all()
        assert new["new"].sum() == reached["people_reached"]  # everyone is new exactly once
    assert metrics.new_vs_returning(frame, visits)["returning"].sum() > 0

    for by_series in (False, True):
        table = metrics.series_cohorts(frame, visits, by_series=by_series)
        assert not table.is_empty()
        assert table["share"].is_between(0, 1).all()
        assert (table["returned"] <= table["cohort"]).all()
        assert (table["first_part"] < table["later_part"]).all()

    frequency = metrics.attendance_frequency(visits, ids)
    assert frequency["people"].sum() == reached["people_reached"]
    assert (frequency["sessions_attended"] * frequency["people"]).sum() == reached["attendances"]
    top = metrics.top_attendees(visits, n=5, personal=True, session_ids=ids)
    assert top["sessions_attended"].to_list() == sorted(top["sessions_attended"], reverse=True)
    assert top["sessions_attended"][0] == frequency["sessions_attended"].max()

    on = metrics.on_demand(frame, people)
    live = frame.join(on, on="session_id")
    assert (live["live_registrants"] == live["registrant_count"]).all()
    assert (live["post_webinar_registrants"] == live["post_webinar_registrant_count"]).all()
