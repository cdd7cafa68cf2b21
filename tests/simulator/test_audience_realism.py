"""The generated audience supports channel, retention and forecasting analyses.

Each test reads the people of a 400-session program with weekly series of up to four parts, for
a few seeds; the thresholds leave a clear margin around what those seeds give.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

import pytest

from tests.support.simulator import NOW
from webinar_insights.simulator import Program, ProgramConfig, _program
from webinar_insights.simulator import _render as render
from webinar_insights.simulator._program import Registrant, SessionPlan

SEEDS = (1, 2, 42)
DAY = 86_400


@dataclass
class Audience:
    """What an analyst would compute from the program's people."""

    registered: Counter[str | None] = field(default_factory=Counter)
    attended: Counter[str | None] = field(default_factory=Counter)
    later_registrants: int = 0
    later_returning: int = 0
    came_again: Counter[bool] = field(default_factory=Counter)  # by: attended the part before
    stayed_away: Counter[bool] = field(default_factory=Counter)
    joined: Counter[str] = field(default_factory=Counter)  # new / attended before / no-show before
    seen: Counter[str] = field(default_factory=Counter)
    leads: list[float] = field(default_factory=list)  # days from registering to the start
    consecutive_sizes: list[tuple[float, float]] = field(default_factory=list)
    consecutive_surges: list[tuple[float, float]] = field(default_factory=list)
    post_by_recording: Counter[str] = field(default_factory=Counter)
    live_by_recording: Counter[str] = field(default_factory=Counter)


def live(program: Program, session: SessionPlan) -> list[Registrant]:
    return [r for r in program.people(session).registrants if not r.post_webinar]


def surge(program: Program, session: SessionPlan) -> float:
    """The share of a session's live registrants who registered in the last two days."""
    leads = [
        (session.scheduled_start - r.registration_time).total_seconds()
        for r in live(program, session)
    ]
    return sum(lead <= 2 * DAY for lead in leads) / len(leads)


@cache
def program_of(seed: int) -> Program:
    return Program(ProgramConfig(seed=seed, scale=400, anchor=NOW, max_sessions_per_webinar=4))


@cache
def audience(seed: int) -> Audience:
    program, seen = program_of(seed), Audience()
    for webinar in program.webinars:
        parts = [program.sessions[i] for i in webinar.session_indices]
        before: dict[str, bool] = {}  # e-mail -> attended any earlier part
        previous: dict[str, bool] | None = None  # the part before: e-mail -> attended
        for part, session in enumerate(parts):
            registrants = live(program, session)
            emails = {r.person.email for r in registrants}
            for r in registrants:
                came = r.participant_id is not None
                seen.registered[r.source] += 1
                seen.attended[r.source] += came
                seen.leads.append((session.scheduled_start - r.registration_time).total_seconds())
                kind = "new" if r.person.email not in before else f"back-{before[r.person.email]}"
                seen.seen[kind] += 1
                seen.joined[kind] += came
                if part:
                    seen.later_registrants += 1
                    seen.later_returning += r.person.email in before
            for email, came in (previous or {}).items():
                (seen.came_again if email in emails else seen.stayed_away)[came] += 1
            previous = {r.person.email: r.participant_id is not None for r in registrants}
            for email, came in previous.items():
                before[email] = before.get(email, False) or came
            recording: str = session.recording_fate
            if recording == "ok" and session.recording_shared:
                recording = "shared"
            seen.post_by_recording[recording] += session.post_registrants
            seen.live_by_recording[recording] += session.live_registrants
        for a, b in itertools.pairwise(parts):
            if a.live_registrants and b.live_registrants:
                pair = (math.log(a.live_registrants), math.log(b.live_registrants))
                seen.consecutive_sizes.append(pair)
            if a.live_registrants >= 50 and b.live_registrants >= 50:
                seen.consecutive_surges.append((surge(program, a), surge(program, b)))
    return seen


@pytest.mark.parametrize("seed", SEEDS)
def test_channels_differ_in_size_and_in_who_attends(seed: int) -> None:
    seen = audience(seed)
    rate = {source: seen.attended[source] / seen.registered[source] for source in seen.registered}
    assert rate["Direct"] - rate["LinkedIn"] > 0.2  # about 0.65 against 0.31
    assert rate["Direct"] > rate["Email"] > rate["Website"] > rate["LinkedIn"]
    assert rate["Email"] > rate["Website"] + 0.05
    total = sum(seen.registered.values())
    assert seen.registered.most_common(1)[0][0] == "Email"
    assert 0.02 < seen.registered[None] / total < 0.07  # some registrants name no channel


@pytest.mark.parametrize("seed", SEEDS)
def test_later_parts_of_a_series_see_earlier_registrants_again(seed: int) -> None:
    seen = audience(seed)
    assert 0.28 < seen.later_returning / seen.later_registrants < 0.47  # about 0.37
    # Who attended a part registers for the next one about twice as often as a no-show ...
    again = {
        came: seen.came_again[came] / (seen.came_again[came] + seen.stayed_away[came])
        for came in (True, False)
    }
    assert again[True] > again[False] + 0.1
    # ... and attends it more often than someone new to the series.
    joined = {kind: seen.joined[kind] / seen.seen[kind] for kind in seen.seen}
    assert joined["back-True"] > joined["new"] + 0.08
    assert joined["back-True"] > joined["back-False"] + 0.15


@pytest.mark.parametrize("seed", SEEDS)
def test_registrations_rise_toward_the_start(seed: int) -> None:
    leads = audience(seed).leads
    last_week = sum(lead <= 7 * DAY for lead in leads) / len(leads)
    last_day = sum(lead <= DAY for lead in leads) / len(leads)
    days_2_to_7 = sum(DAY < lead <= 7 * DAY for lead in leads) / len(leads) / 6
    assert last_week > 0.6  # about 0.75
    assert last_day > 2 * days_2_to_7  # a surge in the last day
    assert min(leads) >= 0


@pytest.mark.parametrize("seed", SEEDS)
def test_parts_of_a_series_resemble_each_other(seed: int) -> None:
    seen = audience(seed)
    assert len(seen.consecutive_sizes) > 100
    assert statistics.correlation(*zip(*seen.consecutive_sizes, strict=True)) > 0.6  # ~0.85
    assert statistics.correlation(*zip(*seen.consecutive_surges, strict=True)) > 0.3  # ~0.57


@pytest.mark.parametrize("seed", SEEDS)
def test_on_demand_registrants_follow_the_recording(seed: int) -> None:
    seen = audience(seed)
    share = {
        kind: seen.post_by_recording[kind] / seen.live_by_recording[kind]
        for kind in seen.live_by_recording
        if seen.live_by_recording[kind]
    }
    assert share.get("none", 0) == share.get("failed", 0) == 0
    assert share["shared"] > 0.08 and share["ok"] > 0.05
    assert share.get("purged", 0) < 0.03
    with_recording = seen.post_by_recording["shared"] + seen.post_by_recording["ok"]
    assert with_recording / sum(seen.post_by_recording.values()) > 0.9


def test_registrants_are_distinct_and_register_in_time() -> None:
    program = program_of(42)
    for session in program.sessions:
        people = program.people(session)
        emails = [r.person.email for r in people.registrants]
        assert len(emails) == len(set(emails)), session.session_id
        attendees = [p.person.email for p in people.participants if p.original_role == "Attendee"]
        assert len(attendees) == len(set(attendees)), session.session_id
        joins = {p.participant_id: p.join_time for p in people.participants}
        for r in people.registrants:
            if r.post_webinar:
                assert r.registration_time > session.end_time
                continue
            assert session.created <= r.registration_time <= session.scheduled_start
            if r.participant_id is not None:
                assert r.registration_time < joins[r.participant_id]


def test_a_registrant_without_a_channel_has_no_source_field() -> None:
    program = program_of(42)
    session = next(s for s in program.sessions if any(r.source is None for r in live(program, s)))
    people = program.people(session).registrants
    records = [
        render.registrant(program, session, r, NOW, questionnaire=False, joined={}) for r in people
    ]
    assert any("source" not in record for record in records)
    assert all(record["source"] for record in records if "source" in record)


def test_a_sessions_people_do_not_depend_on_what_was_generated_before() -> None:
    config = ProgramConfig(seed=5, scale=120, anchor=NOW, max_sessions_per_webinar=4)
    program = Program(config)
    webinar = next(w for w in program.webinars if len(w.session_indices) == 4)
    last = program.sessions[webinar.session_indices[-1]]
    for cached in (_program._people, _program.series_roster):
        cached.cache_clear()
    cold = program.people(last)
    for i in webinar.session_indices:  # now with the earlier parts generated first
        program.people(program.sessions[i])
    _program._people.cache_clear()
    assert program.people(last) == cold
    assert Program(config).people(program.sessions[last.index]) == cold


def test_registrant_counts_keep_their_program_wide_spread() -> None:
    program = Program(ProgramConfig(seed=7, scale=3000, anchor=NOW, max_sessions_per_webinar=4))
    counts = [s.live_registrants for s in program.sessions if s.live_registrants]
    assert 130 < statistics.median(counts) < 200  # lognormal around 165
    spread = statistics.stdev(math.log(c) for c in counts)
    assert 0.65 < spread < 0.95
