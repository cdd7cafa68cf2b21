"""A deterministic, seeded company webinar program: the simulator's data.

The program is generated in two layers so that 100,000 sessions and 10 million participants fit:

* ``SessionPlan``: one small record per session, generated eagerly from one seeded stream. It
  fixes everything a session list needs (times, counts, recording) without generating people.
* People (registrants and participants) are generated on demand per session from a seed derived
  from the program seed and the session index, so every call returns the same records.
* Who registers for a session, through which channel and who of them attends is decided per
  series (all sessions of one webinar) by a small cached roster, part after part: later parts of
  a series see many of the earlier parts' people again, and those who attended before come back
  more often. A session's people need only the rosters of its own and earlier parts.

Sessions are planned relative to an anchor time; the status a client sees (Scheduled, Active,
Finished) is a view of the plan at the simulator's current clock, so advancing the clock moves
sessions through their life like the real service.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import math
import random
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

SessionStatus = Literal["Scheduled", "Active", "Finished"]

TIME_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
)
LOCALES = {"Europe/Berlin": "de-DE", "America/Sao_Paulo": "pt-BR", "Asia/Tokyo": "ja-JP"}
FIRST_NAMES = (
    "Ada", "Bruno", "Chen", "Dana", "Elif", "Farah", "Goran", "Hana", "Ivan", "Jamal", "Keiko",
    "Liam", "Maya", "Nikhil", "Olga", "Pedro", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Vera",
    "Wei", "Ximena", "Yusuf", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Abara", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito", "Jensen",
    "Kowalski", "Lopez", "Moreau", "Nakamura", "Okafor", "Petrov", "Quist", "Rossi", "Singh",
    "Tanaka", "Usman", "Varga", "Weber", "Xu", "Yilmaz", "Zhang",
)  # fmt: skip
TOPICS = (
    "Quarterly Product Update", "Customer Onboarding", "Security Best Practices", "All-hands",
    "Partner Enablement", "API Office Hours", "Release Preview", "Sales Kickoff",
    "Analytics Deep Dive", "Support Roadmap", "Cloud Migration Clinic", "Hiring Town Hall",
)  # fmt: skip
SOURCE_SHARES: dict[str | None, float] = {
    "Email": 0.34,
    "Website": 0.22,
    "LinkedIn": 0.15,
    "Partner": 0.12,
    "Direct": 0.13,
    None: 0.04,
}
"""The registration channels (``source``) and the share of new registrants each brings; ``None``
stands for registrants without a source (the API then leaves the field out)."""
SOURCES = tuple(source for source in SOURCE_SHARES if source is not None)
JOIN_RATES: dict[str | None, float] = {
    "Direct": 0.65,
    "Email": 0.55,
    "Partner": 0.50,
    "Website": 0.40,
    "LinkedIn": 0.30,
    None: 0.50,
}
"""How likely a channel's registrants are to attend, as the share who attend in a session where
about half of all registrants attend. The session's own show rate still fixes how many attend;
these only decide who (a channel's share rises and falls with the session's show rate)."""
RUNTIME_IN_BROADCAST = ("Live", "Live", "Live", "Live", "Break")
SECOND = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class ProgramConfig:
    """What program to generate.

    Parameters
    ----------
    seed:
        Same seed, same program.
    scale:
        Number of sessions.
    anchor:
        The time the program is planned around (past sessions before it, future ones after).
    max_sessions_per_webinar:
        1 (the default, what the API allows today) gives one session per webinar; larger values
        generate recurring series of up to this many weekly sessions.
    history_days, future_days:
        How far back and ahead sessions are spread.
    """

    seed: int = 42
    scale: int = 200
    anchor: datetime = field(default_factory=lambda: datetime(2026, 11, 1, 12, tzinfo=UTC))
    max_sessions_per_webinar: int = 1
    history_days: int = 365
    future_days: int = 30


@dataclass(frozen=True, slots=True)
class Host:
    index: int
    user_id: str
    account_id: str
    first_name: str
    last_name: str
    time_zone: str
    email: str

    def model(self) -> dict[str, Any]:
        return {
            "firstName": self.first_name,
            "lastName": self.last_name,
            "linkedUser": {"userId": self.user_id, "accountId": self.account_id, "domain": "pbx"},
        }


@dataclass(frozen=True, slots=True)
class Webinar:
    index: int
    webinar_id: str
    host: Host
    title: str
    description: str
    created: datetime
    registration_enabled: bool
    recording_enabled: bool
    session_indices: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SessionPlan:
    """Everything about one session that does not need its people generated."""

    index: int
    session_id: str
    webinar_index: int
    title: str
    created: datetime
    scheduled_start: datetime
    scheduled_duration: int  # seconds
    time_zone: str
    practice_lead: int  # seconds between startTime and going live
    delay: int  # seconds from scheduled start to going live (negative: early)
    broadcast_length: int  # seconds live
    debrief: int  # seconds between going off air and endTime
    has_broadcast_fields: bool
    live_registrants: int
    post_registrants: int
    attended_registrants: int
    walk_ins: int
    promoted: int  # attendees promoted to panelist during the session
    cohosts: int
    panelists: int
    rejoins: int  # extra joins folded into the participant records
    recording_fate: Literal["none", "ok", "failed", "purged"]
    recording_shared: bool
    video_bridge_id: str

    @property
    def broadcast_start(self) -> datetime:
        return self.scheduled_start + self.delay * SECOND

    @property
    def broadcast_end(self) -> datetime:
        return self.broadcast_start + self.broadcast_length * SECOND

    @property
    def start_time(self) -> datetime:
        return self.broadcast_start - self.practice_lead * SECOND

    @property
    def end_time(self) -> datetime:
        return self.broadcast_end + self.debrief * SECOND

    @property
    def scheduled_end(self) -> datetime:
        return self.scheduled_start + self.scheduled_duration * SECOND

    def status(self, now: datetime) -> SessionStatus:
        if now < self.start_time:
            return "Scheduled"
        if now < self.end_time:
            return "Active"
        return "Finished"

    def listed_end_time(self, now: datetime) -> datetime:
        """``endTime`` as the history API sends it at ``now`` (planned until finished)."""
        status = self.status(now)
        if status == "Finished":
            return self.end_time
        start = self.start_time if status == "Active" else self.scheduled_start
        return start + self.scheduled_duration * SECOND

    def unique_attendees(self) -> int:
        return self.attended_registrants + self.walk_ins - self.promoted

    def panel_size(self) -> int:
        return 1 + self.cohosts + self.panelists + self.promoted


class NeverRanSession(SessionPlan):
    """A view of a planned session that never ran: the host never started it.

    The platform has no status for that, so it stays ``Scheduled`` at every clock: listed by
    its planned times, with no participants, recording or broadcast fields. The plan itself is
    unchanged (the simulator decides which sessions to show this way).
    """

    __slots__ = ()

    @classmethod
    def of(cls, plan: SessionPlan) -> NeverRanSession:
        return cls(**{f.name: getattr(plan, f.name) for f in fields(SessionPlan)})

    def status(self, now: datetime) -> SessionStatus:
        return "Scheduled"


@dataclass(frozen=True, slots=True)
class Person:
    first_name: str
    last_name: str
    email: str


@dataclass(frozen=True, slots=True)
class Registrant:
    registrant_id: str
    person: Person
    registration_time: datetime
    created: datetime
    post_webinar: bool
    source: str | None  # None: the registrant came without a channel
    participant_id: str | None


@dataclass(frozen=True, slots=True)
class Participant:
    participant_id: str
    person: Person
    role: str
    original_role: str
    participant_type: str
    join_time: datetime
    leave_time: datetime
    was_ejected: bool
    registrant_id: str | None
    user_id: str | None  # linked RingCentral user (panel members)


@dataclass(frozen=True, slots=True)
class People:
    registrants: tuple[Registrant, ...]
    participants: tuple[Participant, ...]


REGISTRANTS_MEDIAN = 165
"""The median live registrant count of a session (counts are lognormal around it)."""
REGISTRANTS_SIGMA = 0.8
"""The spread (sigma of the logarithm) of registrant counts over the whole program."""
PART_SIZE_SIGMA = 0.3
"""The spread of the registrant counts of a series' parts around the series' own size."""
SERIES_SIZE_SIGMA = math.sqrt(REGISTRANTS_SIGMA**2 - PART_SIZE_SIGMA**2)
"""The spread of series sizes: with the parts' own spread it adds up to ``REGISTRANTS_SIGMA``."""
PART_SIZE_DRIFT = -0.05
"""Each later part of a series draws about 5% fewer registrants than the one before (up to the
seventh part; later ones stay at that size)."""
SHOW_RATE_MEAN = 0.5
"""The average share of live registrants who attend."""
SHOW_RATE_SD = 0.14
"""The spread of show rates between sessions."""
SERIES_SHOW_RATE_SD, PART_SHOW_RATE_SD = 0.11, 0.08
"""The spread of show rates between series and between the parts of one series."""
POST_WEBINAR_SHARES: dict[str, tuple[float, float]] = {
    "shared": (0.08, 0.20),
    "ok": (0.05, 0.15),
    "purged": (0.0, 0.03),
}
"""The range of on-demand (post-webinar) registrants as a share of live registrants, by what
became of the recording: a kept recording draws a good share, a shared one more; one purged
later a few; no recording or a failed one none."""


class Program:
    """The generated program: hosts, webinars and session plans (people on demand)."""

    def __init__(self, config: ProgramConfig) -> None:
        self.config = config
        rng = random.Random(config.seed)
        self.hosts = _make_hosts(rng, config.scale)
        self.webinars: list[Webinar] = []
        self.sessions: list[SessionPlan] = []
        self._plan(rng)
        self.sessions_by_id = {s.session_id: s for s in self.sessions}
        self.webinars_by_id = {w.webinar_id: w for w in self.webinars}
        self.recording_ids = {
            recording_id(s): s for s in self.sessions if s.recording_fate != "none"
        }

    def _plan(self, rng: random.Random) -> None:
        cfg = self.config
        anchor = cfg.anchor.astimezone(UTC)
        # A few sessions are placed around the anchor so that some are Active at the anchor.
        active_slots = max(1, cfg.scale // 400) if cfg.scale >= 3 else 0
        active_indices = set(range(0, cfg.scale, max(1, cfg.scale // max(1, active_slots))))
        active_indices = set(sorted(active_indices)[:active_slots])
        index = 0
        webinar_index = 0
        while index < cfg.scale:
            host = self.hosts[_host_for(rng, len(self.hosts))]
            series_len = 1
            if cfg.max_sessions_per_webinar > 1:
                series_len = rng.randint(1, cfg.max_sessions_per_webinar)
            series_len = min(series_len, cfg.scale - index)
            topic = rng.choice(TOPICS)
            title = f"{topic} {2000 + webinar_index % 1000:04d}"
            if rng.random() < 0.03:
                title = f'{topic} — Q&A <Live> & "More"'
            day = rng.uniform(-cfg.history_days, cfg.future_days)
            if cfg.scale >= 3 and index + series_len == cfg.scale:
                day = rng.uniform(2, max(3, cfg.future_days))  # always something upcoming
            local_hour = rng.choice((8, 9, 9, 10, 10, 11, 13, 14, 14, 15, 16, 17))
            minute = rng.choice((0, 0, 0, 30, 15, 45))
            registration_enabled = rng.random() < 0.88
            recording_enabled = rng.random() < 0.9
            first_start: datetime | None = None
            indices = []
            # A series has a size and a show rate of its own; its parts vary a little around them.
            series: tuple[float, float] | None = None
            if series_len > 1:
                series = (
                    rng.lognormvariate(math.log(REGISTRANTS_MEDIAN), SERIES_SIZE_SIGMA),
                    rng.gauss(SHOW_RATE_MEAN, SERIES_SHOW_RATE_SD),
                )
            announced: datetime | None = None
            for part in range(series_len):
                forced_active = index in active_indices
                start = _local_slot(anchor, day + 7 * part, local_hour, minute, host.time_zone)
                plan = _plan_session(
                    rng,
                    index=index,
                    webinar_index=webinar_index,
                    start=start,
                    time_zone=host.time_zone,
                    part=part,
                    series_len=series_len,
                    registration_enabled=registration_enabled,
                    recording_enabled=recording_enabled,
                    anchor=anchor,
                    forced_active=forced_active,
                    series=series,
                    announced=announced,
                )
                if announced is None:
                    announced = plan.created  # the series is set up with its first part
                first_start = (
                    plan.created if first_start is None else min(first_start, plan.created)
                )
                self.sessions.append(plan)
                indices.append(index)
                index += 1
            assert first_start is not None
            self.webinars.append(
                Webinar(
                    index=webinar_index,
                    webinar_id=str(300_000_000 + webinar_index),
                    host=host,
                    title=title,
                    description=f"{topic}: what is new and what comes next."
                    if rng.random() < 0.8
                    else "",
                    created=first_start - timedelta(days=1),
                    registration_enabled=registration_enabled,
                    recording_enabled=recording_enabled,
                    session_indices=tuple(indices),
                )
            )
            webinar_index += 1

    def people(self, session: SessionPlan) -> People:
        """Registrants and participants of ``session`` (complete, as of its end)."""
        webinar = self.webinars[session.webinar_index]
        # The live registrant and attendee counts of this part and the earlier ones of its series,
        # from the program's own plans: all the series roster needs.
        counts = tuple(
            (plan.live_registrants, plan.attended_registrants)
            for plan in (self.sessions[i] for i in webinar.session_indices)
            if plan.index <= session.index
        )
        return _people(self.config.seed, session, webinar.host, counts)

    def webinar_of(self, session: SessionPlan) -> Webinar:
        return self.webinars[session.webinar_index]


def recording_id(session: SessionPlan) -> str:
    return str(700_000_000 + session.index)


def _make_hosts(rng: random.Random, scale: int) -> list[Host]:
    count = min(500, max(3, scale // 40))
    hosts = []
    for i in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        hosts.append(
            Host(
                index=i,
                user_id=str(62_000_000 + i * 7 + 1),
                account_id="37439510",
                first_name=first,
                last_name=last,
                time_zone=TIME_ZONES[i % len(TIME_ZONES)],
                email=f"{first}.{last}.{i}@example.com".lower(),
            )
        )
    return hosts


def _host_for(rng: random.Random, count: int) -> int:
    # A few busy hosts and a long tail, as in a real company.
    return (
        min(count - 1, int(rng.paretovariate(1.2)) - 1)
        if rng.random() < 0.6
        else rng.randrange(count)
    )


def _local_slot(anchor: datetime, day: float, hour: int, minute: int, tz: str) -> datetime:
    """A wall-clock slot in the host's time zone, converted to UTC (DST-safe via zoneinfo)."""
    zone = ZoneInfo(tz)
    date = (anchor + timedelta(days=day)).astimezone(zone).date()
    if date.weekday() >= 5 and day < 0:  # few weekend webinars in the past
        date -= timedelta(days=date.weekday() - 4)
    local = datetime(date.year, date.month, date.day, hour, minute, tzinfo=zone)
    return local.astimezone(UTC)


def _plan_session(
    rng: random.Random,
    *,
    index: int,
    webinar_index: int,
    start: datetime,
    time_zone: str,
    part: int,
    series_len: int,
    registration_enabled: bool,
    recording_enabled: bool,
    anchor: datetime,
    forced_active: bool,
    series: tuple[float, float] | None = None,
    announced: datetime | None = None,
) -> SessionPlan:
    """One session's plan. ``series`` is the (size, show rate) of a series with several parts;
    ``announced`` the creation time of the series' first part, which later parts share."""
    duration = rng.choice((1800, 2700, 3600, 3600, 3600, 5400, 7200))
    # Start delay: mostly on time, some early, a long tail of late starts.
    roll = rng.random()
    if roll < 0.12:
        delay = -rng.randint(30, 300)
    elif roll < 0.72:
        delay = rng.randint(0, 180)
    elif roll < 0.94:
        delay = rng.randint(180, 900)
    else:
        delay = int(min(3600, 900 + rng.expovariate(1 / 900)))
    broadcast_length = max(300, int(duration + rng.gauss(0, 420)))
    if rng.random() < 0.05:
        broadcast_length = int(duration * rng.uniform(1.2, 1.6))  # a real overrun
    practice = rng.choice((0, 300, 600, 900))
    debrief = rng.choice((0, 60, 120, 300))
    if forced_active:
        # Live right now, some minutes in.
        start = anchor - timedelta(seconds=delay + rng.randint(300, max(301, duration // 2)))
    registrants = 0
    if registration_enabled and rng.random() >= 0.04:
        if series is None:
            registrants = int(rng.lognormvariate(math.log(REGISTRANTS_MEDIAN), REGISTRANTS_SIGMA))
        else:
            size = series[0] * math.exp(PART_SIZE_DRIFT * min(part, 6))
            registrants = int(size * rng.lognormvariate(0, PART_SIZE_SIGMA))
    if series is None:
        show_rate = rng.gauss(SHOW_RATE_MEAN, SHOW_RATE_SD)
    else:
        show_rate = series[1] + rng.gauss(0, PART_SHOW_RATE_SD)
    show_rate = min(0.95, max(0.05, show_rate))
    attended = round(registrants * show_rate)
    walk_ins = int(rng.expovariate(1 / 6)) if rng.random() < 0.35 else 0
    if not registration_enabled:
        walk_ins = int(rng.lognormvariate(math.log(60), 0.7))
    if registrants == 0 and registration_enabled and rng.random() < 0.5:
        walk_ins = 0  # some sessions with no attendees at all
    promoted = 1 if attended + walk_ins > 20 and rng.random() < 0.1 else 0
    fate: Literal["none", "ok", "failed", "purged"] = "none"
    if recording_enabled:
        roll = rng.random()
        fate = "failed" if roll < 0.03 else "purged" if roll < 0.08 else "ok"
    title = "" if series_len == 1 else f"Part {part + 1}"
    if series_len == 1 and rng.random() < 0.1:
        title = "Encore"
    # The draws below keep the order they always had, so a program without series plans the
    # same sessions as before (but for the on-demand registrant counts).
    created = start - timedelta(days=rng.uniform(3, 45))
    if announced is not None and announced <= start - timedelta(days=1):
        created = announced
    has_broadcast_fields = rng.random() >= 0.05
    post_draw = rng.random()
    cohosts = 1 if rng.random() < 0.3 else 0
    panelists = rng.choice((0, 1, 1, 2, 3))
    rejoins = int((attended + walk_ins) * rng.uniform(0, 0.15))
    shared = rng.random() < 0.4
    low, high = POST_WEBINAR_SHARES.get("shared" if fate == "ok" and shared else fate, (0.0, 0.0))
    return SessionPlan(
        index=index,
        session_id=str(500_000_000 + index),
        webinar_index=webinar_index,
        title=title,
        created=created,
        scheduled_start=start,
        scheduled_duration=duration,
        time_zone=time_zone,
        practice_lead=practice,
        delay=delay,
        broadcast_length=broadcast_length,
        debrief=debrief,
        has_broadcast_fields=has_broadcast_fields,
        live_registrants=registrants,
        post_registrants=int(registrants * (low + (high - low) * post_draw)),
        attended_registrants=attended,
        walk_ins=walk_ins,
        promoted=promoted,
        cohosts=cohosts,
        panelists=panelists,
        rejoins=rejoins,
        recording_fate=fate,
        recording_shared=shared,
        video_bridge_id=f"{rng.randrange(10**11, 10**12)}",
    )


RETURNING_SHARE = 0.3
"""The chance that a new registrant or walk-in is one of the company's returning audience."""
AUDIENCE = 2_000
"""How many people the returning audience holds (each registers for many sessions)."""
SERIES_RETURN_SHARES = (0.30, 0.45)
"""The range of the share of a later part's live registrants who registered live for an earlier
part of the same series (the rest are new to the series)."""
RETURN_WEIGHT_ATTENDED = 3.0
"""How much likelier someone who attended an earlier part is to register again than someone who
registered and never attended."""
RETURN_RECENCY = 0.5
"""Each part someone skipped since they last registered halves their chance to come back."""
RETURN_MEMORY = 8
"""After this many parts without registering someone no longer comes back to the series (their
chance would be tiny anyway); it keeps the rosters of very long series small."""
JOIN_BOOST_ATTENDED, JOIN_BOOST_NO_SHOW = 1.6, 0.8
"""How a returning registrant's pull to attend compares with a new registrant's of the same
channel: stronger for those who attended an earlier part, weaker for those who never did."""

_SOURCE_KEYS = tuple(SOURCE_SHARES)
_SOURCE_CUMULATIVE = tuple(itertools.accumulate(SOURCE_SHARES.values()))
# Attendees are picked by a race: every registrant draws an exponential time with their own rate
# and the first ``attended_registrants`` attend. A registrant with rate h then attends with chance
# 1 - exp(-h t), where the session's cut-off t is about 1 when half attend, so h = -log(1 - r)
# gives the join rates r of ``JOIN_RATES`` at that show rate.
_JOIN_HAZARDS = {source: -math.log(1 - rate) for source, rate in JOIN_RATES.items()}
DAY, HOUR = 86_400.0, 3_600.0
_ROSTER_STEP = 64


@dataclass(frozen=True, slots=True)
class RegistrationCurve:
    """When a webinar's live registrants register: a mix of three waves (times in seconds).

    ``announce`` of them register soon after the session is created (on average
    ``announce_after`` later), ``surge`` of them in the last day or two (on average
    ``surge_lead`` before the start), and the rest ``lead`` before the start on average, most of
    them in the last week. All sessions of a series share one curve.
    """

    announce: float
    announce_after: float
    surge: float
    surge_lead: float
    lead: float

    def lead_time(self, rng: random.Random, window: float) -> float:
        """Seconds from registering to the scheduled start, within ``window`` (the seconds from
        the session's creation to its start)."""
        roll = rng.random()
        if roll < self.announce:
            lead = window - rng.expovariate(1 / self.announce_after)
        elif roll < self.announce + self.surge:
            lead = rng.expovariate(1 / self.surge_lead)
        else:
            lead = rng.expovariate(1 / self.lead)
        return lead if 0 <= lead <= window else rng.uniform(0, window)


@lru_cache(maxsize=256)
def registration_curve(seed: int, webinar_index: int) -> RegistrationCurve:
    rng = random.Random(f"{seed}:curve:{webinar_index}")
    return RegistrationCurve(
        announce=rng.uniform(0.08, 0.18),
        announce_after=rng.uniform(0.5, 2) * DAY,
        surge=rng.uniform(0.15, 0.28),
        surge_lead=rng.uniform(6, 18) * HOUR,
        lead=rng.uniform(3, 6) * DAY,
    )


@lru_cache(maxsize=4 * AUDIENCE)
def _audience_person(seed: int, j: int) -> Person:
    known = random.Random(f"{seed}:audience:{j}")
    first, last = known.choice(FIRST_NAMES), known.choice(LAST_NAMES)
    return Person(first, last, f"{first}.{last}.a{j}@example.org".lower())


def _source(rng: random.Random) -> str | None:
    return rng.choices(_SOURCE_KEYS, cum_weights=_SOURCE_CUMULATIVE)[0]


@dataclass(frozen=True, slots=True)
class Roster:
    """Who registers live for one part of a series and who of them attends.

    ``people`` holds everyone who registered live for this part or one of the ``RETURN_MEMORY``
    parts before, in the order they first came, with their ``sources`` (a person keeps their
    channel), their index in the company audience (``audience_index``, -1 for none), the last
    part each registered for (``last_part``) and whether each attended any (``attended``).
    ``seats`` are this part's live registrants as (index into ``people``, attends).
    """

    people: tuple[Person, ...]
    sources: tuple[str | None, ...]
    audience_index: tuple[int, ...]
    last_part: tuple[int, ...]
    attended: tuple[bool, ...]
    seats: tuple[tuple[int, bool], ...]

    @property
    def audience(self) -> frozenset[int]:
        """The company audience members among ``people``."""
        return frozenset(j for j in self.audience_index if j >= 0)


@lru_cache(maxsize=512)
def series_roster(seed: int, webinar_index: int, counts: tuple[tuple[int, int], ...]) -> Roster:
    """The roster of the last part in ``counts``: the (live registrants, attended registrants) of
    a series' parts up to it. Each part builds on the cached roster of the part before, so the
    parts of a series cost one step each."""
    part = len(counts) - 1
    registrants, attending = counts[-1]
    rng = random.Random(f"{seed}:series:{webinar_index}:{part}")
    people: list[Person] = []
    sources: list[str | None] = []
    audience_index: list[int] = []
    last_part: list[int] = []
    attended: list[bool] = []
    if part:
        # A very long series: the earlier rosters are built in steps, so that no call recurses
        # more than ``_ROSTER_STEP`` parts deep.
        for k in range(_ROSTER_STEP, part, _ROSTER_STEP):
            series_roster(seed, webinar_index, counts[:k])
        before = series_roster(seed, webinar_index, counts[:-1])
        for n, seen in enumerate(before.last_part):
            if seen >= part - RETURN_MEMORY:
                people.append(before.people[n])
                sources.append(before.sources[n])
                audience_index.append(before.audience_index[n])
                last_part.append(seen)
                attended.append(before.attended[n])
    audience = {j for j in audience_index if j >= 0}
    # Returning people: a share of the seats goes to earlier registrants, picked by a weighted
    # race (earlier attendees and recent registrants first).
    seats: list[int] = []
    boosts: list[float] = []
    if people and registrants:
        wanted = min(len(people), round(registrants * rng.uniform(*SERIES_RETURN_SHARES)))
        keys = [
            rng.expovariate(
                (RETURN_WEIGHT_ATTENDED if attended[i] else 1.0)
                * RETURN_RECENCY ** (part - 1 - last_part[i])
            )
            for i in range(len(people))
        ]
        seats = heapq.nsmallest(wanted, range(len(people)), key=keys.__getitem__)
        boosts = [JOIN_BOOST_ATTENDED if attended[i] else JOIN_BOOST_NO_SHOW for i in seats]
    # New people, some of them from the company's returning audience.
    fresh = registrants - len(seats)
    new_sources = rng.choices(_SOURCE_KEYS, cum_weights=_SOURCE_CUMULATIVE, k=fresh)
    for n, source in enumerate(new_sources):
        who, j = None, -1
        if rng.random() < RETURNING_SHARE:
            j = rng.randrange(AUDIENCE)
            if j in audience:
                j = -1
            else:
                audience.add(j)
                who = _audience_person(seed, j)
        if who is None:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = f"{first}.{last}.w{webinar_index}.p{part}.{n}@example.org"
            who = Person(first, last, email.lower())
        seats.append(len(people))
        boosts.append(1.0)
        people.append(who)
        sources.append(source)
        audience_index.append(j)
        last_part.append(part)
        attended.append(False)
    # Registrant ids follow the seats: mix returning and new people.
    mixed = list(zip(seats, boosts, strict=True))
    rng.shuffle(mixed)
    seats = [i for i, _ in mixed]
    # Who attends: the race of ``_JOIN_HAZARDS`` (see there), exactly ``attending`` of them.
    race = [rng.expovariate(_JOIN_HAZARDS[sources[i]] * boost) for i, boost in mixed]
    attends = set(heapq.nsmallest(attending, range(len(seats)), key=race.__getitem__))
    for n, i in enumerate(seats):
        last_part[i] = part
        if n in attends:
            attended[i] = True
    return Roster(
        people=tuple(people),
        sources=tuple(sources),
        audience_index=tuple(audience_index),
        last_part=tuple(last_part),
        attended=tuple(attended),
        seats=tuple((i, n in attends) for n, i in enumerate(seats)),
    )


@lru_cache(maxsize=64)
def _people(
    seed: int, session: SessionPlan, host: Host, counts: tuple[tuple[int, int], ...]
) -> People:
    """People of ``session``; ``counts`` are its series' (live, attended) registrant counts of
    the parts up to this one (see ``series_roster``)."""
    rng = random.Random(f"{seed}:people:{session.index}")
    sid = session.session_id
    live_start, live_end = session.broadcast_start, session.broadcast_end
    registrants: list[Registrant] = []
    participants: list[Participant] = []
    roster = series_roster(seed, session.webinar_index, counts)
    assert len(roster.seats) == session.live_registrants

    returning = random.Random(f"{seed}:returning:{session.index}")
    came_back = set(roster.audience)

    def person(k: int) -> Person:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        # On-demand registrants and walk-ins (k >= 1000) are sometimes people of the company's
        # audience who came to other sessions too: same name, same e-mail, same user hash. Drawn
        # from their own generator, so that every other draw of the session stays as it was.
        if k >= 1000 and returning.random() < RETURNING_SHARE:
            j = returning.randrange(AUDIENCE)
            if j not in came_back:
                came_back.add(j)
                return _audience_person(seed, j)
        return Person(first, last, f"{first}.{last}.{sid}.{k}@example.org".lower())

    def participant_id(k: int) -> str:
        return f"{sid}-{k}"

    # Panel: the host, co-hosts and panelists join for practice and stay to the end.
    panel = [("Host", host)] + [("CoHost", None)] * session.cohosts
    panel += [("Panelist", None)] * session.panelists
    for k, (role, linked) in enumerate(panel):
        who = Person(linked.first_name, linked.last_name, linked.email) if linked else person(k)
        join = session.start_time + rng.randint(0, 120) * SECOND
        participants.append(
            Participant(
                participant_id=participant_id(k),
                person=who,
                role=role,
                original_role=role,
                participant_type="User",
                join_time=join,
                leave_time=max(join + SECOND, session.end_time - rng.randint(0, 60) * SECOND),
                was_ejected=False,
                registrant_id=None,
                user_id=linked.user_id if linked else str(63_000_000 + rng.randrange(10**6)),
            )
        )
    next_k = len(participants)

    def attendee(who: Person, registrant: str | None) -> Participant:
        nonlocal next_k
        roll = rng.random()
        if roll < 0.2:
            join = live_start - rng.randint(0, 600) * SECOND
        elif roll < 0.9:
            join = live_start + int(rng.expovariate(1 / 300)) * SECOND
        else:
            join = live_start + rng.randint(0, max(1, session.broadcast_length)) * SECOND
        join = max(join, session.start_time)
        ejected = rng.random() < 0.005
        if rng.random() < 0.6 and not ejected:
            leave = live_end + rng.randint(0, 180) * SECOND
        else:
            leave = join + rng.randint(60, max(61, int((live_end - join).total_seconds()))) * SECOND
        leave = min(leave, session.end_time)
        if leave <= join:
            leave = join + 30 * SECOND
        k = next_k
        next_k += 1
        return Participant(
            participant_id=participant_id(k),
            person=who,
            role="Attendee",
            original_role="Attendee",
            participant_type="Room" if rng.random() < 0.01 else "User",
            join_time=join,
            leave_time=leave,
            was_ejected=ejected,
            registrant_id=registrant,
            user_id=None,
        )

    curve = registration_curve(seed, session.webinar_index)
    window = (session.scheduled_start - session.created).total_seconds()
    for k, (member, attends) in enumerate(roster.seats):
        who = roster.people[member]
        rid = f"{sid}{k:06d}"
        registered = session.scheduled_start - curve.lead_time(rng, window) * SECOND
        pid = None
        if attends:
            p = attendee(who, rid)
            participants.append(p)
            pid = p.participant_id
            # Nobody joins before they registered.
            registered = max(session.created, min(registered, p.join_time - 60 * SECOND))
        registrants.append(
            Registrant(
                registrant_id=rid,
                person=who,
                registration_time=registered,
                created=registered + rng.choice((0, 0, 0, 1, 30)) * SECOND,
                post_webinar=False,
                source=roster.sources[member],
                participant_id=pid,
            )
        )
    live = session.live_registrants
    for k in range(live, live + session.post_registrants):
        registered = session.end_time + rng.uniform(600, 20 * DAY) * SECOND
        registrants.append(
            Registrant(
                registrant_id=f"{sid}{k:06d}",
                person=person(1000 + k),
                registration_time=registered,
                created=registered + rng.choice((0, 0, 0, 1, 30)) * SECOND,
                post_webinar=True,
                source=_source(rng),
                participant_id=None,
            )
        )
    for k in range(session.walk_ins):
        participants.append(attendee(person(500_000 + k), None))
    # A few attendees are promoted to panelist during the session (role differs from original).
    attendees = [i for i, p in enumerate(participants) if p.role == "Attendee"]
    for i in attendees[: session.promoted]:
        participants[i] = replace(participants[i], role="Panelist")
    return People(tuple(registrants), tuple(participants))


def user_hash(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:32]
