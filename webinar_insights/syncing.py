"""Incremental, resumable sync from the Webinar API into a ``Store``.

On the real platform every Webinar request waits its turn (Heavy: 10 a minute), so the order
and number of requests is the speed a user feels. A sync therefore:

* lists the sessions of the whole requested range in one paged query (the history API lists
  newest first, 1,000 a page), leaving out the stretches of time that are *settled*: a stretch
  settles when two listings agreed on the sessions it holds, every one of them Finished or
  never ran (still Scheduled a day after its planned end), and its end lies at least ``settle``
  before the listing. A re-sync so lists only from the oldest session that can still change;
* then fetches each session's people, upcoming sessions soonest first, then past ones newest
  first, so the figures a reader most likely wants are complete soonest; the tables are
  rewritten along the way, and ``Store.incomplete()`` says what is still missing;
* asks again only for what can change (``needs``): registrants of a Scheduled session when its
  ``lastModifiedTime`` moved, daily within ``SOON`` of its start and weekly before; once when
  a session is seen Finished (or never ran), and at the post-webinar checkpoints 1, 7 and 30
  days after its end (people register for the recording); participants once a session is
  Finished;
* stops cleanly after ``budget`` requests, leaving the rest for the next sync.

Each unit (one listing, one session's registrants or participants) is stored whole before the
manifest records it, so a killed sync resumes where it stopped, without fetching a finished
unit again.

What one session does cannot stop the others: a session whose people answer 404 is looked up
on its own, and if that answers 404 too it is *gone* (deleted on the server: it leaves the
tables, its raw pages stay); a 403 marks that list *forbidden* (skipped until ``full_refresh``);
a paging chain or an answer that cannot be followed marks that unit *failed* (tried again next
sync). A known session missing from a fresh listing is only dropped once its own GET answers
404: an empty or shrunken listing alone never deletes or settles anything. Every such case is
kept in the store (``Store.problems()``) and listed in the summary.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import math
import time
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from tqdm.auto import tqdm

from ._time import TimeLike, time_range
from .client import Client
from .errors import (
    BadRequestError,
    BadResponseError,
    ConfigurationError,
    DataWarning,
    NotFoundError,
    PagingError,
    PermissionDeniedError,
    SyncInterrupted,
)
from .store import (
    Coverage,
    FetchKind,
    FetchState,
    Problem,
    ProblemKind,
    ProblemRecord,
    SessionState,
    Store,
    Stretch,
    parse_time,
    problem_lines,
    quarantine_lines,
)

__all__ = [
    "CHECKPOINT_SECONDS",
    "DEFAULT_AHEAD",
    "DEFAULT_BACK",
    "DEPTHS",
    "LATER_EVERY",
    "NEVER_RAN",
    "POST_WEBINAR_CHECKS",
    "REAL_PER_MINUTE",
    "SOON",
    "SOON_EVERY",
    "Depth",
    "SyncPlan",
    "SyncSummary",
    "default_range",
    "plan",
    "refresh_plan",
    "sync",
]

logger = logging.getLogger("webinar_insights")
Depth = Literal["sessions", "registrants", "participants"]
DEPTHS: tuple[Depth, ...] = ("sessions", "registrants", "participants")
# What fails one unit (a listing, one session's people) and not the whole sync. Server errors,
# dropped connections and rate limits stop the sync instead: they concern every request.
UNIT_ERRORS: tuple[type[Exception], ...] = (BadRequestError, BadResponseError, PagingError)
CONFIRM_ERRORS: tuple[type[Exception], ...] = (*UNIT_ERRORS, PermissionDeniedError)
NEVER_RAN = "NeverRan"  # the status a fetch is recorded with when its session never ran
SETTLED_FETCH = ("Finished", NEVER_RAN)
# After a Finished session ends, its registrants are asked again once each of these has passed:
# people keep registering for the recording (post-webinar registrants) for days or weeks.
POST_WEBINAR_CHECKS = (timedelta(days=1), timedelta(days=7), timedelta(days=30))
# Registrants of a Scheduled session are asked again daily once it is this close, weekly before.
SOON = timedelta(days=14)
SOON_EVERY = timedelta(days=1)
LATER_EVERY = timedelta(days=7)
_INSTANT = timedelta(microseconds=1)  # a stretch's end is exclusive: its last day is before it
CHECKPOINT_SECONDS = 20.0  # how often a long sync rewrites the tables for readers
REAL_PER_MINUTE = 10.0  # the real platform's limit for Webinar (Heavy) requests
# The range a sync covers when none is given: a year and a month back, and the month ahead.
DEFAULT_BACK = timedelta(days=400)
DEFAULT_AHEAD = timedelta(days=40)


def default_range(now: datetime) -> tuple[datetime, datetime]:
    """The sync range used when none is given (``DEFAULT_BACK`` and ``DEFAULT_AHEAD`` of now)."""
    return now - DEFAULT_BACK, now + DEFAULT_AHEAD


def refresh_plan(
    store: Store,
    now: datetime,
    *,
    sync_range: tuple[TimeLike, TimeLike] | None = None,
    depth: Depth | None = None,
) -> tuple[datetime, datetime, Depth]:
    """The range and depth of a "refresh" of an existing store: ``sync_range`` when given, else
    the range every finished sync covered stretched to ``DEFAULT_AHEAD`` of now, else the
    default range; ``depth`` when given, else the deepest an earlier sync went (at least
    registrants)."""
    done = [s for s in store.provenance()["syncs"] if s.get("finished")]
    if sync_range is not None:
        first, last = time_range(*sync_range)
    elif done:
        first = min(datetime.fromisoformat(s["start"]) for s in done)
        last = max(max(datetime.fromisoformat(s["end"]) for s in done), now + DEFAULT_AHEAD)
    else:
        first, last = default_range(now)
    earlier: list[Depth] = [s["depth"] for s in done if s.get("depth") in DEPTHS]
    chosen: Depth = (
        depth if depth is not None else max(earlier, key=DEPTHS.index, default="registrants")
    )
    return first, last, chosen


@dataclass(frozen=True, slots=True)
class SyncSummary:
    """What a sync did; ``str()`` gives the lines the CLI prints."""

    requests: int
    rate_limited: int
    listings: int  # listing queries made (each paged by 1,000 sessions)
    settled: tuple[str, ...]  # settled stretches left out of the listing ("2025-10-01..2026-09-20")
    sessions_new: int
    sessions_updated: int
    sessions_unchanged: int
    registrants_fetched: int
    participants_fetched: int
    seconds: float
    tables: dict[str, int]
    never_ran: int = 0
    left: int = 0  # people lists not fetched because the budget ran out
    problems: tuple[str, ...] = ()  # one line per session or list that could not be read
    problem_groups: tuple[str, ...] = ()  # the same, one line per kind of problem
    quarantined: tuple[str, ...] = ()  # what was read but not usable, one line per kind
    spec_checked: int | None = None  # answers checked against the API spec (check_spec=True)
    spec_drift: tuple[str, ...] = ()  # how they differ from it, one line per difference

    def __str__(self) -> str:
        skipped = (
            f"; settled and not listed again: {', '.join(self.settled)}" if self.settled else ""
        )
        lines = [
            f"Synced in {self.seconds:.1f} s with {self.requests:,} API requests "
            f"({self.rate_limited} rate-limited)",
            f"  listings   {self.listings}{skipped}",
            f"  sessions   {self.sessions_new:,} new, {self.sessions_updated:,} updated, "
            f"{self.sessions_unchanged:,} unchanged",
            f"  fetched    registrants of {self.registrants_fetched:,} sessions, "
            f"participants of {self.participants_fetched:,}",
            "  store      "
            + ", ".join(
                f"{self.tables.get(t, 0):,} {t}"
                for t in ("sessions", "registrants", "participants")
            ),
        ]
        if self.left:
            lines.append(
                f"  budget     spent: {self.left:,} people lists left for the next sync"
                " (the oldest sessions)"
            )
        if self.never_ran:
            lines.append(
                f"  never ran  {self.never_ran:,} sessions still Scheduled a day after their"
                " planned end (settled: not fetched again)"
            )
        if self.quarantined:
            lines.append(
                "  set aside  read but not usable as sent (Store.quarantine() lists each):"
            )
            lines += [f"    {line}" for line in self.quarantined]
        if self.spec_checked is not None and not self.spec_drift:
            lines.append(f"  spec       {self.spec_checked:,} answers checked: as documented")
        if self.spec_drift:
            lines.append(
                f"  spec drift {self.spec_checked:,} answers checked; they differ from the API"
                " spec (nothing failed because of it):"
            )
            lines += [f"    {line}" for line in self.spec_drift]
        if self.problems:
            count = len(self.problems)
            lines.append(f"  problems   {count:,} could not be read (Store.problems() lists each):")
            lines += [f"    {line}" for line in self.problem_groups]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class SyncPlan:
    """The requests a sync would make now (``plan``); ``str()`` gives the lines the CLI prints.

    ``per_minute`` is the real platform's limit for Webinar requests (Heavy: 10 a minute), so
    the minutes are what a user of the real API waits."""

    listing_requests: int
    confirmations: int  # GETs of known sessions a listing left out (deleted?)
    registrants: int  # registrant lists to fetch
    participants: int
    people_requests: int
    newest_month_requests: int  # requests until the newest month with sessions is complete
    unsized: int = 0  # registrant lists never fetched: counted as one page (a request) each
    per_minute: float = REAL_PER_MINUTE

    @property
    def requests(self) -> int:
        return self.listing_requests + self.confirmations + self.people_requests

    def minutes(self, requests: int | None = None) -> float:
        return (self.requests if requests is None else requests) / self.per_minute

    def __str__(self) -> str:
        at_least = "at least " if self.unsized else ""
        lines = [
            f"{at_least}{self.requests:,} requests ≈ {_duration(self.minutes())} at"
            f" {self.per_minute:g}/min (the real API's limit)",
            f"  listings     {self.listing_requests:,} requests",
            f"  registrants  {self.registrants:,} sessions",
            f"  participants {self.participants:,} sessions",
        ]
        if self.confirmations:
            lines.append(f"  look-ups     {self.confirmations:,} sessions missing from the listing")
        lines.append(
            f"  newest month complete after {_duration(self.minutes(self.newest_month_requests))}"
        )
        if self.unsized:
            lines.append(
                f"  ({self.unsized:,} registrant lists were never fetched: each is counted as one"
                " request, and takes one more per 1,000 registrants it holds)"
            )
        return "\n".join(lines)


def _duration(minutes: float) -> str:
    if minutes < 1:
        return f"{minutes * 60:.0f} s"
    if minutes < 120:
        return f"{minutes:.0f} min"
    return f"{minutes / 60:.1f} h"


def _scope(company: bool, hosts: Sequence[str] | None) -> str:
    if not company:
        return "own"
    return "company" if not hosts else "hosts=" + ",".join(sorted(hosts))


def _check(depth: str, hosts: Sequence[str] | None, budget: int | None) -> None:
    if depth not in DEPTHS:
        raise ConfigurationError(f"depth must be one of {', '.join(DEPTHS)}, not {depth!r}")
    if isinstance(hosts, str) or (
        hosts is not None and not all(isinstance(h, str) and h for h in hosts)
    ):
        raise ConfigurationError(
            f"hosts must be a list of host user ids, such as ['62000001'], not {hosts!r}"
        )
    if budget is not None and (
        isinstance(budget, bool) or not isinstance(budget, int) or budget < 1
    ):
        raise ConfigurationError(f"budget must be a whole number of requests ≥ 1, not {budget!r}")


def sync(
    client: Client,
    store: Store,
    *,
    start: TimeLike,
    end: TimeLike,
    depth: Depth = "sessions",
    hosts: Sequence[str] | None = None,
    company: bool = True,
    full_refresh: bool = False,
    settle: timedelta = timedelta(days=7),
    wait: float = 0.0,
    budget: int | None = None,
) -> SyncSummary:
    """Bring ``store`` up to date for sessions ending in ``[start, end]``.

    Parameters
    ----------
    depth:
        ``"sessions"`` lists sessions only; ``"registrants"`` adds each session's registrants;
        ``"participants"`` adds registrants and participants.
    hosts, company:
        Company-wide (default; needs WebinarSettings), optionally only these host user ids, or
        ``company=False`` for the user's own sessions.
    full_refresh:
        List settled stretches again, and ask again for lists that were forbidden.
    wait:
        Seconds to wait for another writer's lock before failing.
    budget:
        Stop cleanly once this many API requests are spent: the listing first, then people in
        ``urgency`` order (upcoming soonest first, then past newest first); the next sync
        fetches the rest.

    Raises
    ------
    SyncInterrupted
        On Ctrl-C; everything finished before it is stored, and the same call resumes.
    """
    _check(depth, hosts, budget)
    first, last = time_range(start, end)
    drift = client.spec_drift
    scope = _scope(company, hosts)
    started = time.monotonic()
    requests_before, limited_before = client.requests_sent, client.rate_limited
    run = _Run(client, store, depth=depth, full_refresh=full_refresh, budget=budget)
    sync_id = 0
    try:
        client.authenticate()  # the first answer comes before anything is written
        run.now = client.server_now()
        with store.writing(wait=wait):
            run.previous = store.session_states()
            sync_id = run.sync_id = store.begin_sync(start=first, end=last, depth=depth)
            tables: dict[str, int] = {}
            for attempt in range(2):  # a second pass re-fetches units found corrupt
                run.seen.clear()
                run.list_range(scope, first, last, settle=settle, company=company, hosts=hosts)
                if depth != "sessions":
                    store.rebuild(quiet=True)  # readers see the sessions while people come in
                    run.now = client.server_now()  # the listings' answers moved it on
                    run.fetch_people(run.people_work(first, last))
                tables = store.rebuild(repair=True)
                if not tables.pop("forgotten", 0) or attempt:
                    break
                logger.warning("Some stored files were unreadable; fetching them again")
            store.record_progress(sync_id, run.remaining)
            summary = SyncSummary(
                requests=client.requests_sent - requests_before,
                rate_limited=client.rate_limited - limited_before,
                listings=run.counts["listed"],
                settled=tuple(run.skipped),
                sessions_new=run.counts["new"],
                sessions_updated=run.counts["updated"],
                sessions_unchanged=run.counts["unchanged"],
                registrants_fetched=run.counts["registrants"],
                participants_fetched=run.counts["participants"],
                seconds=time.monotonic() - started,
                tables=tables,
                never_ran=run.counts["never_ran"],
                left=sum(run.remaining.values()),
                problems=tuple(str(p) for p in run.problems),
                problem_groups=tuple(problem_lines(run.problems)),
                quarantined=tuple(quarantine_lines(store.quarantine())),
                spec_checked=drift.answers_checked if drift else None,
                spec_drift=tuple(drift.lines()) if drift else (),
            )
            if drift is not None and summary.spec_drift:
                warnings.warn(f"sync: {drift.summary()}", DataWarning, stacklevel=2)
            store.finish_sync(sync_id, requests=summary.requests, summary=asdict(summary))
    except KeyboardInterrupt:
        if sync_id:
            with contextlib.suppress(Exception):
                store.record_progress(sync_id, run.remaining)
        raise SyncInterrupted(done=run.done, total=max(run.total, run.done)) from None
    return summary


def plan(
    client: Client,
    store: Store,
    *,
    start: TimeLike,
    end: TimeLike,
    depth: Depth = "sessions",
    hosts: Sequence[str] | None = None,
    company: bool = True,
    full_refresh: bool = False,
    settle: timedelta = timedelta(days=7),
) -> SyncPlan:
    """The requests ``sync`` with the same arguments would make now, without fetching any
    people or writing anything: the sessions are listed (the listing requests are what the
    sync will make again), the rest is counted from the listing and the store."""
    _check(depth, hosts, None)
    first, last = time_range(start, end)
    run = _Run(client, store, depth=depth, full_refresh=full_refresh, budget=None, dry=True)
    client.authenticate()
    run.now = client.server_now()
    run.previous = store.session_states() if store.exists else {}
    before = client.requests_sent
    run.list_range(_scope(company, hosts), first, last, settle=settle, company=company, hosts=hosts)
    listing = client.requests_sent - before
    work = run.people_work(first, last) if depth != "sessions" else []
    costs = [run.cost(s, kind) for s, kind in work]
    newest = max((s.month for s, _ in work), default="")
    through = max((i for i, (s, _) in enumerate(work) if s.month == newest), default=-1)
    return SyncPlan(
        listing_requests=listing - run.confirmations,
        confirmations=run.confirmations,
        registrants=sum(kind == "registrants" for _, kind in work),
        participants=sum(kind == "participants" for _, kind in work),
        people_requests=sum(costs),
        newest_month_requests=listing + sum(costs[: through + 1]),
        unsized=sum(
            kind == "registrants" and run.fetched(s.state.session_id, kind) is None
            for s, kind in work
        ),
    )


@dataclass(frozen=True, slots=True)
class _Listed:
    """A session as the sync sees it: its state and when it ends."""

    state: SessionState
    end: datetime | None

    @property
    def month(self) -> str:
        return f"{self.end:%Y-%m}" if self.end else ""


class _Run:
    """The state of one sync: what was listed, what is left, what went wrong."""

    def __init__(
        self,
        client: Client,
        store: Store,
        *,
        depth: Depth,
        full_refresh: bool,
        budget: int | None = None,
        dry: bool = False,
    ) -> None:
        self.client = client
        self.store = store
        self.depth = depth
        self.full_refresh = full_refresh
        self.budget = budget
        self.dry = dry  # plan only: list, but store nothing and record no problem
        self.requests_before = client.requests_sent
        self.now = datetime.now(UTC)
        self.sync_id = 0
        self.previous: dict[str, SessionState] = {}  # the manifest's sessions as the sync began
        self.listed: dict[str, SessionState] = {}  # what this sync's listings said
        self.seen: set[str] = set()
        self.skipped: list[str] = []
        self.confirmations = 0
        self.problems: list[ProblemRecord] = []
        self.remaining: dict[str, int] = {"registrants": 0, "participants": 0}
        self.done = 0  # units finished (listings and people fetches)
        self.total = 0  # units known so far
        self.counts = dict.fromkeys(
            (
                "new",
                "updated",
                "unchanged",
                "listed",
                "registrants",
                "participants",
                "never_ran",
            ),
            0,
        )

    def problem(self, session_id: str, kind: ProblemKind, problem: Problem, detail: str) -> None:
        self.problems.append(ProblemRecord(session_id, kind, problem, detail, ""))
        if self.dry:
            return
        self.store.record_problem(session_id, kind, problem, detail)
        logger.info("%s", self.problems[-1])  # the summary lists them all at the end

    @property
    def spent(self) -> int:
        return self.client.requests_sent - self.requests_before

    def list_range(
        self,
        scope: str,
        first: datetime,
        last: datetime,
        *,
        settle: timedelta,
        company: bool,
        hosts: Sequence[str] | None,
    ) -> None:
        """List what is not settled of ``[first, last]``, newest stretch first."""
        coverage = self.store.coverage(scope) if self.store.exists else Coverage()
        parts = [(first, last)] if self.full_refresh else coverage.unsettled(first, last)
        if not self.full_refresh:
            self.skipped = [
                f"{max(s.start, first):%Y-%m-%d}..{min(s.end, last) - _INSTANT:%Y-%m-%d}"
                for s in coverage.settled
                if s.end > first and s.start < last
            ]
        self.total += len(parts)
        for lower, upper in reversed(parts):
            if self.budget is not None and self.spent >= self.budget:
                break
            coverage = self.list_part(
                scope, lower, upper, coverage, settle=settle, company=company, hosts=hosts
            )
        if not self.dry:
            self.store.record_coverage(scope, coverage)

    def list_part(
        self,
        scope: str,
        lower: datetime,
        upper: datetime,
        coverage: Coverage,
        *,
        settle: timedelta,
        company: bool,
        hosts: Sequence[str] | None,
    ) -> Coverage:
        """One paged listing of ``[lower, upper]``; returns the coverage it leads to."""
        try:
            pages = list(
                self.client.session_pages(
                    lower, upper, company=company, hosts=hosts, window=upper - lower
                )
            )
        except UNIT_ERRORS as error:
            # Nothing recorded: the next sync lists this stretch again.
            self.problem(f"{scope}/listing", "listing", "failed", str(error))
            self.done += 1
            return coverage
        if not self.dry:
            self.store.clear_problem(f"{scope}/listing", "listing")
        records = [r for page in pages for r in page.records]
        listed: list[_Listed] = []
        odd = False  # a record without a usable id: nothing here may settle
        for record in records:
            state = SessionState.from_listing(record, "")
            if state is None:
                odd = True
                continue
            listed.append(_Listed(state, parse_time(state.end_time)))
            sid = state.session_id
            if sid in self.seen:
                continue
            self.seen.add(sid)
            self.listed[sid] = state
            self.counts["never_ran"] += state.never_ran(self.now)
            before = self.previous.get(sid)
            if before is None:
                self.counts["new"] += 1
            elif (before.status, before.modified) != (state.status, state.modified):
                self.counts["updated"] += 1
            else:
                self.counts["unchanged"] += 1
            if before is not None and before.gone is not None and not self.dry:
                self.store.clear_problem(sid, "session")  # listed again: not gone after all
        # Known sessions of this stretch that the listing left out: gone only if confirmed.
        stretch = Stretch(lower, upper + _INSTANT)
        missing = [
            s
            for s in self.previous.values()
            if s.window_key.startswith(f"{scope}/")
            and s.gone is None
            and s.session_id not in self.seen
            and stretch.holds(parse_time(s.end_time))
        ]
        unconfirmed = [s for s in missing if not self.confirm_gone(s)]
        listed_at = self.client.server_now()
        unit = ""
        if not self.dry:
            unit = self.store.record_listing(
                scope=scope,
                start=lower,
                end=upper,
                pages=[p.content for p in pages],
                sessions=records,
                listed_at=listed_at,
            )
        self.counts["listed"] += 1
        self.done += 1
        if odd:
            return coverage
        # The stretch from ``lower`` up to the oldest session that can still change (and no
        # closer to the listing than ``settle``) holds only settled sessions.
        open_ends = [item.end or lower for item in listed if not item.state.settled(self.now)] + [
            parse_time(s.end_time) or lower for s in unconfirmed
        ]
        calm = min([upper, listed_at - settle, *open_ends])
        pending: list[Stretch] = []
        for earlier in coverage.pending:
            if not (lower <= earlier.start and earlier.end <= calm):
                if not (lower <= earlier.start < upper):
                    pending.append(earlier)  # this listing did not look at it again
                continue
            agreed = _digest(listed, earlier) == earlier.digest
            if agreed and (self.dry or self.store.listing_clean(earlier.unit)):
                coverage = coverage.settle(earlier)
        for start, end in coverage.unsettled(lower, calm):
            candidate = Stretch(start, end, unit=unit)
            pending.append(Stretch(start, end, _digest(listed, candidate), unit))
        return Coverage(coverage.settled, tuple(pending))

    def confirm_gone(self, session: SessionState) -> bool:
        """Ask for the session itself; True (and recorded) when the API says it is deleted."""
        if not session.webinar_id:
            return False
        self.confirmations += 1
        try:
            self.client.get_session(session.webinar_id, session.session_id)
        except NotFoundError as error:
            code = f" {error.error_code}" if error.error_code else ""
            self.problem(
                session.session_id,
                "session",
                "gone",
                f"deleted on the server; its own record answers HTTP 404{code}",
            )
            return True
        except CONFIRM_ERRORS:
            return False
        return False

    def people_work(self, first: datetime, last: datetime) -> list[tuple[_Listed, FetchKind]]:
        """The people lists to fetch now, in ``urgency`` order, so the newest figures are
        complete soonest."""
        kinds: list[FetchKind] = ["registrants"]
        if self.depth == "participants":
            kinds.append("participants")
        known = {**self.previous, **self.listed} if self.dry else self.store.session_states()
        sessions = [
            _Listed(s, end)
            for s in known.values()
            if s.gone is None
            and (end := parse_time(s.end_time)) is not None
            and first <= end <= last
        ]
        sessions.sort(key=self.urgency)
        return [(item, kind) for item in sessions for kind in kinds if self.needs(item.state, kind)]

    def urgency(self, item: _Listed) -> tuple[int, float]:
        """The order people are fetched in: upcoming sessions soonest first (their registrants
        are what a team watches before a webinar), then past ones newest first."""
        if item.end is None:
            return 2, 0.0
        seconds = (item.end - self.now).total_seconds()
        return (0, seconds) if seconds >= 0 else (1, -seconds)

    def fetched(self, session_id: str, kind: FetchKind) -> FetchState | None:
        """How the store last fetched this list (None: never, or no store yet)."""
        return self.store.fetch_state(session_id, kind) if self.store.exists else None

    def cost(self, session: _Listed, kind: FetchKind) -> int:
        """The requests one people list takes: one page per ``per_page`` people (at least one).
        A registrant list's size is known only once fetched (the listing does not tell it)."""
        if kind == "participants":
            count = session.state.participants or 0
        else:
            done = self.fetched(session.state.session_id, kind)
            count = done.count if done is not None and done.count is not None else 0
        return max(1, math.ceil(count / self.client.per_page))

    def fetch_people(self, work: list[tuple[_Listed, FetchKind]]) -> None:
        self.total += len(work)
        self.remaining = {
            kind: sum(k == kind for _, k in work) for kind in ("registrants", "participants")
        }
        self.store.record_progress(self.sync_id, self.remaining)
        gone: set[str] = set()
        checkpoint = time.monotonic()
        costs = [self.cost(session, kind) for session, kind in work]
        left = sum(costs)
        with tqdm(
            total=len(work),
            desc="sessions' people",
            unit=" fetches",
            disable=not self.client.progress,
        ) as bar:
            for (session, kind), cost in zip(work, costs, strict=True):
                # What a user of the real API would wait for the rest, at its limit.
                bar.set_postfix_str(
                    f"≈ {_duration(left / REAL_PER_MINUTE)} left at the real API's limit",
                    refresh=False,
                )
                if self.budget is not None and self.spent + cost > self.budget:
                    break
                left -= cost
                if session.state.session_id not in gone and not self.fetch(session.state, kind):
                    gone.add(session.state.session_id)
                self.remaining[kind] -= 1
                self.done += 1
                bar.update()
                if time.monotonic() - checkpoint >= CHECKPOINT_SECONDS:
                    # Readers (a report, the dashboard) see what is complete so far.
                    self.store.record_progress(self.sync_id, self.remaining)
                    self.store.rebuild(quiet=True)
                    checkpoint = time.monotonic()

    def needs(self, session: SessionState, kind: FetchKind) -> bool:
        """Whether a people list can have changed since it was fetched (see the module's
        docstring for the schedule)."""
        if kind == "participants" and session.status != "Finished":
            return False  # fetched once the session is over: until then the list still grows
        if not self.full_refresh and (session.session_id, kind) in self.forbidden:
            return False
        done = self.fetched(session.session_id, kind)
        if done is None or done.status is None:  # never fetched, or held quarantined records
            return True
        if kind == "participants":
            return done.status != "Finished"  # a Finished session's participants do not change
        if done.modified != session.modified:
            return True
        if done.status in SETTLED_FETCH:
            # Nothing new, except people registering for the recording after a Finished
            # session ended: asked again at a few checkpoints.
            return done.status == "Finished" and self.post_webinar_check_due(session, done)
        if session.settled(self.now):
            return True  # once more when it is over (Finished, or never ran)
        if session.status != "Scheduled":
            return False  # Active: asked again once it is over
        end, fetched_at = parse_time(session.end_time), parse_time(done.fetched_at)
        if end is None or fetched_at is None:
            return True
        every = SOON_EVERY if end - self.now <= SOON else LATER_EVERY
        return self.now - fetched_at >= every

    def post_webinar_check_due(self, session: SessionState, done: FetchState) -> bool:
        end, fetched_at = parse_time(session.end_time), parse_time(done.fetched_at)
        if end is None or fetched_at is None:
            return False
        passed = [end + after for after in POST_WEBINAR_CHECKS if end + after <= self.now]
        return bool(passed) and fetched_at < passed[-1]

    @functools.cached_property
    def forbidden(self) -> set[tuple[str, str]]:
        """(session, list) pairs a 403 refused in an earlier sync."""
        return {(p.session_id, p.kind) for p in self.store.problems() if p.problem == "forbidden"}

    def fetch(self, session: SessionState, kind: FetchKind) -> bool:
        """Fetch and store one people list; False when the session turned out to be gone."""
        sid = session.session_id
        webinar_id = session.webinar_id
        if kind == "participants" and not webinar_id:
            # A manifest row from an older version, or a listing that named no webinar: the
            # participants' path needs it. A later listing of the session fills it in.
            self.problem(sid, kind, "failed", "no webinar id is known for this session yet")
            return True
        try:
            if kind == "registrants":
                pages = list(self.client.registrant_pages(sid))
            else:
                pages = list(
                    self.client.participant_pages(
                        webinar_id or "", sid, expected=session.participants
                    )
                )
        except NotFoundError as error:
            if self.confirm_gone(session):
                return False
            self.problem(sid, kind, "failed", str(error))
            return True
        except PermissionDeniedError as error:
            code = f" {error.error_code}" if error.error_code else ""
            reason = f": {error.api_message}" if error.api_message else ""
            self.problem(
                sid,
                kind,
                "forbidden",
                f"HTTP 403{code}{reason}; asked again only with a full refresh",
            )
            return True
        except UNIT_ERRORS as error:
            self.problem(sid, kind, "failed", str(error))
            return True
        self.store.record_fetch(
            sid,
            kind,
            status=NEVER_RAN if session.never_ran(self.now) else session.status,
            fetched_at=self.client.server_now(),
            modified=session.modified,
            pages=[page.content for page in pages],
            count=sum(len(page.records) for page in pages),
        )
        self.store.clear_problem(sid, kind)
        self.counts[kind] += 1
        return True


def _digest(listed: Sequence[_Listed], stretch: Stretch) -> str:
    """A hash of the ids of the listed sessions that end in the stretch."""
    ids = sorted(item.state.session_id for item in listed if stretch.holds(item.end))
    return hashlib.sha256(" ".join(ids).encode()).hexdigest()[:32]
