"""A deterministic, seeded company webinar program: the simulator's data.

The program is generated in two layers so that 100,000 sessions and 10 million participants fit:

* ``SessionPlan``: one small record per session, generated eagerly from one seeded stream. It
  fixes everything a session list needs (times, counts, recording) without generating people.
* People (registrants and participants) are generated on demand per session from a seed derived
  from the program seed and the session index, so every call returns the same records.

Sessions are planned relative to an anchor time; the status a client sees (Scheduled, Active,
Finished) is a view of the plan at the simulator's current clock, so advancing the clock moves
sessions through their life like the real service.
"""

from __future__ import annotations

import hashlib
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
SOURCES = ("Email", "Website", "LinkedIn", "Partner", "Direct")
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
    source: str
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
                )
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
        return _people(self.config.seed, session, self.webinars[session.webinar_index].host)

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
) -> SessionPlan:
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
    if registration_enabled:
        registrants = 0 if rng.random() < 0.04 else int(rng.lognormvariate(math.log(165), 0.8))
    show_rate = min(0.95, max(0.05, rng.gauss(0.5, 0.14)))
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
    return SessionPlan(
        index=index,
        session_id=str(500_000_000 + index),
        webinar_index=webinar_index,
        title=title,
        created=start - timedelta(days=rng.uniform(3, 45)),
        scheduled_start=start,
        scheduled_duration=duration,
        time_zone=time_zone,
        practice_lead=practice,
        delay=delay,
        broadcast_length=broadcast_length,
        debrief=debrief,
        has_broadcast_fields=rng.random() >= 0.05,
        live_registrants=registrants,
        post_registrants=int(registrants * rng.uniform(0, 0.15)),
        attended_registrants=attended,
        walk_ins=walk_ins,
        promoted=promoted,
        cohosts=1 if rng.random() < 0.3 else 0,
        panelists=rng.choice((0, 1, 1, 2, 3)),
        rejoins=int((attended + walk_ins) * rng.uniform(0, 0.15)),
        recording_fate=fate,
        recording_shared=rng.random() < 0.4,
        video_bridge_id=f"{rng.randrange(10**11, 10**12)}",
    )


RETURNING_SHARE = 0.3
"""The chance that a registrant or walk-in is one of the company's returning audience."""
AUDIENCE = 2_000
"""How many people the returning audience holds (each registers for many sessions)."""


@lru_cache(maxsize=64)
def _people(seed: int, session: SessionPlan, host: Host) -> People:
    rng = random.Random(f"{seed}:people:{session.index}")
    sid = session.session_id
    live_start, live_end = session.broadcast_start, session.broadcast_end
    registrants: list[Registrant] = []
    participants: list[Participant] = []

    returning = random.Random(f"{seed}:returning:{session.index}")
    came_back: set[int] = set()

    def person(k: int) -> Person:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        # Registrants and walk-ins (k >= 1000) are sometimes people of the company's audience
        # who came to other sessions too: same name, same e-mail, same user hash. Drawn from
        # their own generator, so that every other draw of the session stays as it was.
        if k >= 1000 and returning.random() < RETURNING_SHARE:
            j = returning.randrange(AUDIENCE)
            if j not in came_back:
                came_back.add(j)
                known = random.Random(f"{seed}:audience:{j}")
                first, last = known.choice(FIRST_NAMES), known.choice(LAST_NAMES)
                return Person(first, last, f"{first}.{last}.a{j}@example.org".lower())
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

    attended = set(rng.sample(range(session.live_registrants), session.attended_registrants))
    total = session.live_registrants + session.post_registrants
    for k in range(total):
        post = k >= session.live_registrants
        who = person(1000 + k)
        rid = f"{sid}{k:06d}"
        if post:
            registered = session.end_time + rng.uniform(600, 20 * 86400) * SECOND
        else:
            lead = rng.expovariate(1 / (5 * 86400)) if rng.random() > 0.05 else rng.uniform(0, 3600)
            registered = max(session.created, session.scheduled_start - lead * SECOND)
        pid = None
        if k in attended:
            p = attendee(who, rid)
            participants.append(p)
            pid = p.participant_id
        registrants.append(
            Registrant(
                registrant_id=rid,
                person=who,
                registration_time=registered,
                created=registered + rng.choice((0, 0, 0, 1, 30)) * SECOND,
                post_webinar=post,
                source=rng.choice(SOURCES),
                participant_id=pid,
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
